#!/bin/bash
# One-shot, run by the "certs" service in the Elasticsearch image (the pattern of Elastic's own
# Docker Compose example): a private CA and a certificate for es01, kept in the "certs" volume.
# Existing files are kept, so restarts do not rotate them.
set -eu
cd /usr/share/elasticsearch
mkdir -p config/certs
if [ ! -f config/certs/ca/ca.crt ]; then
  bin/elasticsearch-certutil ca --silent --pem -out config/certs/ca.zip
  unzip -o config/certs/ca.zip -d config/certs
fi
if [ ! -f config/certs/es01/es01.crt ]; then
  cat > config/certs/instances.yml <<'YML'
instances:
  - name: es01
    dns: [es01, localhost]
    ip: [127.0.0.1]
YML
  bin/elasticsearch-certutil cert --silent --pem -out config/certs/certs.zip --in config/certs/instances.yml \
    --ca-cert config/certs/ca/ca.crt --ca-key config/certs/ca/ca.key
  unzip -o config/certs/certs.zip -d config/certs
fi
# Elasticsearch (uid 1000) reads everything; the CA certificate is public, so every service may read it.
chown -R 1000:0 config/certs
find config/certs -type d -exec chmod 750 {} \;
find config/certs -type f -exec chmod 640 {} \;
chmod 755 config/certs config/certs/ca
chmod 644 config/certs/ca/ca.crt
echo "certificates ready"
