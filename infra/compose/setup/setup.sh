#!/bin/sh
# One-shot set-up of a fresh deployment, run by the "setup" service (image target "setup"):
#   1. Kafka topics from the Topics registry (create-topics.sh; existing ones are left alone)
#   2. Elasticsearch: the kibana_system password, the least-privilege role and user of the sinks
#      (docs/sinks.md "Security and least privilege")
#   3. the index templates bundled with RestoreGuard (overwritten: a new release updates them)
#   4. the Kibana saved objects: restoreguard kibana import (waits until Kibana answers)
# Every step is idempotent: running setup again after an upgrade is how templates and Kibana
# objects are updated. Passwords must be alphanumeric (they are put into JSON as they are).
set -eu
: "${BOOTSTRAP_SERVERS:?}" "${ELASTIC_PASSWORD:?}" "${KIBANA_PASSWORD:?}" "${RESTOREGUARD_ES_PASSWORD:?}"
ES_URL="${ES_URL:-https://es01:9200}"
KIBANA_URL="${KIBANA_URL:-http://kibana:5601}"
CA_FILE="${CA_FILE:-/certs/ca/ca.crt}"

es() {
  method=$1; path=$2; shift 2
  curl -fsS --cacert "$CA_FILE" -u "elastic:$ELASTIC_PASSWORD" -X "$method" "$ES_URL$path" \
    -H 'Content-Type: application/json' "$@"
  echo
}

echo "setup 1/4: Kafka topics"
sh /opt/restoreguard/setup/create-topics.sh

echo "setup 2/4: Elasticsearch users and roles"
es POST /_security/user/kibana_system/_password -d "{\"password\":\"$KIBANA_PASSWORD\"}"
es PUT /_security/role/restoreguard_sink -d '{
  "cluster": ["monitor"],
  "indices": [
    {"names": ["logs-restoreguard.events-*", "logs-restoreguard.alerts-*"], "privileges": ["create_doc", "auto_configure"]},
    {"names": ["restoreguard-alerts"], "privileges": ["index", "auto_configure"]}
  ]
}'
es PUT /_security/user/restoreguard_sink -d "{\"password\":\"$RESTOREGUARD_ES_PASSWORD\",\"roles\":[\"restoreguard_sink\"],\"full_name\":\"RestoreGuard Elasticsearch sink\"}"

echo "setup 3/4: index templates"
for file in /opt/restoreguard/index-templates/*.json; do
  es PUT "/_index_template/$(basename "$file" .json)" --data-binary "@$file"
done

echo "setup 4/4: Kibana saved objects"
exec java -jar /opt/restoreguard/restoreguard.jar kibana import --url "$KIBANA_URL" \
  --user elastic --password-env ELASTIC_PASSWORD --wait 600
