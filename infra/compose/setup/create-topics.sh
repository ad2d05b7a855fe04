#!/bin/sh
# Creates RestoreGuard's topics on the three-broker cluster, exactly as the Topics registry
# (events/src/main/java/dev/restoreguard/events/Topics.java) declares them: name, partitions,
# cleanup.policy, retention.ms and extra configuration. Existing topics are left alone.
# ComposeDeploymentTest checks every line against Topics.all(); change both together.
set -eu
: "${BOOTSTRAP_SERVERS:?}"
REPLICATION_FACTOR="${REPLICATION_FACTOR:-3}"

topic() {
  name=$1; partitions=$2; shift 2
  configs=""
  for c in "$@"; do configs="$configs --config $c"; done
  # shellcheck disable=SC2086
  /opt/kafka/bin/kafka-topics.sh --bootstrap-server "$BOOTSTRAP_SERVERS" --create --if-not-exists \
    --topic "$name" --partitions "$partitions" --replication-factor "$REPLICATION_FACTOR" $configs
}

topic restoreguard.raw.veeam 3 cleanup.policy=delete retention.ms=2592000000
topic restoreguard.raw.windows-dns 3 cleanup.policy=delete retention.ms=2592000000
topic restoreguard.raw.servicenow 3 cleanup.policy=delete retention.ms=2592000000
topic restoreguard.hosts.snapshots 6 cleanup.policy=delete retention.ms=31536000000 message.timestamp.type=LogAppendTime
topic restoreguard.dns.records 6 cleanup.policy=delete retention.ms=31536000000 message.timestamp.type=LogAppendTime
topic restoreguard.restores 6 cleanup.policy=delete retention.ms=31536000000 message.timestamp.type=LogAppendTime
topic restoreguard.approvals 3 cleanup.policy=delete retention.ms=31536000000 message.timestamp.type=LogAppendTime
topic restoreguard.inventory 1 cleanup.policy=compact retention.ms=-1 max.message.bytes=33554432 message.timestamp.type=LogAppendTime min.compaction.lag.ms=31536000000
topic restoreguard.audit 3 cleanup.policy=delete retention.ms=31536000000
topic restoreguard.engine.reference 6 cleanup.policy=delete retention.ms=2592000000 max.message.bytes=33554432
topic restoreguard.alerts 6 cleanup.policy=delete retention.ms=31536000000
topic restoreguard.alerts.deliveries 3 cleanup.policy=delete retention.ms=2592000000
topic restoreguard.dlq 3 cleanup.policy=delete retention.ms=31536000000
