package dev.restoreguard.producers.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.restoreguard.events.config.ConfigException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CollectorConfigTest {

    @Test
    void shouldApplyDocumentedDefaultsToAnEmptyFile() {
        final CollectorConfig c = CollectorConfig.parse("{}", Map.of());
        assertThat(c.kafka().bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(c.collector().spool().maxBytes()).isEqualTo(512L * 1024 * 1024);
        assertThat(c.collector().spool().segmentBytes()).isEqualTo(8L * 1024 * 1024);
        assertThat(c.collector().spool().fsync()).isEqualTo("always");
        assertThat(c.collector().health().bind()).isEqualTo("127.0.0.1");
        assertThat(c.collector().health().port()).isEqualTo(8711);
        assertThat(c.collector().heartbeatIntervalSeconds()).isEqualTo(60);
        assertThat(c.collectors().hostsFile().paths()).containsExactly("/etc/hosts");
        assertThat(c.collectors().hostsFile().recheckSeconds()).isEqualTo(30);
        assertThat(c.collectors().hostsFile().auditKey()).isEqualTo("restoreguard-hosts");
        assertThat(c.collectors().dnsZone()).isNull();
    }

    @Test
    void shouldReadAFullFileWithEnvironmentVariables() {
        final String yaml = """
                kafka:
                  bootstrap_servers: ${KAFKA:-127.0.0.1:9092}
                  properties:
                    security.protocol: SSL
                collector:
                  observer: VBR01.corp.example.
                  state_dir: ${STATE}
                  spool: {max_bytes: 1048576, segment_bytes: 65536, fsync: interval, fsync_interval_ms: 200}
                  health: {port: 0}
                  heartbeat_interval_seconds: 5
                collectors:
                  hosts_file: {paths: [/etc/hosts, /srv/share/hosts], recheck_seconds: 10}
                  dns_zone:
                    servers:
                      - {name: ns1.corp.example, address: 10.0.0.53, zones: [corp.example, Prod.Corp.Example.]}
                  windows_dns: {files: ['C:\\ProgramData\\winlogbeat\\dns.ndjson'], server: dc01.corp.example}
                  resolution:
                    names: [SQL-PROD-01.corp.example]
                    servers: [{address: 10.0.0.53, port: 5353}]
                sinks:
                  elasticsearch: {}
                """;
        final CollectorConfig c = CollectorConfig.parse(yaml, Map.of("KAFKA", "kafka1:9093", "STATE", "/var/lib/rg"));
        assertThat(c.kafka().bootstrapServers()).isEqualTo("kafka1:9093");
        assertThat(c.kafka().properties()).containsEntry("security.protocol", "SSL");
        assertThat(c.collector().observer()).isEqualTo("vbr01.corp.example");
        assertThat(c.collector().spoolDir()).hasToString("/var/lib/rg/spool");
        assertThat(c.collector().spool().fsync()).isEqualTo("interval");
        assertThat(c.collectors().dnsZone().servers().get(0).zones()).containsExactly("corp.example", "prod.corp.example");
        assertThat(c.collectors().dnsZone().servers().get(0).port()).isEqualTo(53);
        assertThat(c.collectors().resolution().names()).containsExactly("sql-prod-01.corp.example");
        assertThat(c.collectors().resolution().servers().get(0).name()).isEqualTo("10.0.0.53");
        assertThat(c.sinks()).isNotNull();
    }

    @Test
    void shouldNameTheKeyOfEveryMistake() {
        assertThatThrownBy(() -> CollectorConfig.parse("collector: {spool: {fsync: sometimes}}", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("collector.spool.fsync");
        assertThatThrownBy(() -> CollectorConfig.parse("collector: {helth: {}}", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("helth").hasMessageContaining("unknown key");
        assertThatThrownBy(() -> CollectorConfig.parse("kafka: {properties: {acks: '0'}}", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("properties.acks");
        assertThatThrownBy(() -> CollectorConfig.parse("collectors: {dns_zone: {servers: [{address: ns1}]}}", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("address");
        assertThatThrownBy(() -> CollectorConfig.parse("collectors: {dns_zone: {servers: [{address: 10.0.0.1}]}}", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("zones");
        assertThatThrownBy(() -> CollectorConfig.parse("kafka: {bootstrap_servers: ${NOPE}}", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("NOPE");
        assertThatThrownBy(() -> CollectorConfig.parse("collector: {spool: {max_bytes: 2048, segment_bytes: 2048}}", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("max_bytes");
    }

    @Test
    void shouldListKinds() {
        assertThat(dev.restoreguard.producers.runtime.CollectorKinds.KINDS)
                .contains("hosts-file", "dns-zone", "windows-dns", "resolution")
                .contains("restore-http", "pgbackrest", "inventory-watch")
                .contains("veeam-syslog", "veeam-rest", "servicenow");
        assertThatThrownBy(() -> dev.restoreguard.producers.runtime.CollectorKinds.create("dns-zone",
                CollectorConfig.parse("{}", Map.of()), new dev.restoreguard.producers.runtime.Metrics()))
                .isInstanceOf(ConfigException.class).hasMessage("collectors.dns_zone: required");
        for (String kind : List.of("restore-http", "pgbackrest", "inventory-watch")) {
            assertThatThrownBy(() -> dev.restoreguard.producers.runtime.CollectorKinds.create(kind,
                    CollectorConfig.parse("{}", Map.of()), new dev.restoreguard.producers.runtime.Metrics()))
                    .isInstanceOf(ConfigException.class).hasMessage("collectors." + kind.replace('-', '_') + ": required");
        }
    }

    @Test
    void shouldValidateTheGenericRestoreAndInventorySectionsWithTheirKeyPaths() {
        final CollectorConfig c = CollectorConfig.parse("""
                collectors:
                  pgbackrest: {files: [/var/log/pgbackrest/main-restore.log], target: PG-PROD-01.corp.example., time_zone: UTC}
                  inventory_watch: {file: /etc/restoreguard/inventory.yaml}
                """, Map.of());
        assertThat(c.collectors().pgbackrest().target()).isEqualTo("pg-prod-01.corp.example");
        assertThat(c.collectors().pgbackrest().pollMs()).isEqualTo(1000);
        assertThat(c.collectors().inventoryWatch().pollMs()).isEqualTo(1000);
        assertThatThrownBy(() -> CollectorConfig.parse("collectors: {pgbackrest: {files: [a], time_zone: Mars/Olympus}}", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("collectors.pgbackrest.time_zone: not a time zone");
        assertThatThrownBy(() -> CollectorConfig.parse("collectors: {pgbackrest: {files: []}}", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("collectors.pgbackrest.files:");
        assertThatThrownBy(() -> CollectorConfig.parse("collectors: {inventory_watch: {poll_ms: 10, file: x}}", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("collectors.inventory_watch.poll_ms: must be 50..600000");
        assertThatThrownBy(() -> CollectorConfig.parse(
                "collectors: {restore_http: {tokens: [{token: abcdefghijklmnopq}], tls: {key_store: a.p12}}}", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("collectors.restore_http.tls.key_store_password: required");
        assertThat(CollectorConfig.parse("collectors: {restore_http: {tokens: [{token: abcdefghijklmnopq}]}}", Map.of())
                .collectors().restoreHttp().tokens().toString()).doesNotContain("abcdefghijklmnopq");
    }

    @Test
    void shouldHideSecretKafkaPropertiesInTheConfigurationsText() {
        final String jaas = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"collector-hosts-file\" "
                + "password=\"Zm9vYmFyc2VjcmV0\";";
        final CollectorConfig config = CollectorConfig.parse("{}", Map.of()).withKafkaClientProperties(Map.of(
                "bootstrap.servers", "127.0.0.1:39092", "security.protocol", "SASL_SSL", "sasl.jaas.config", jaas,
                "ssl.keystore.password", "store-secret", "ssl.truststore.location", "/etc/rg/ca.pem"));

        assertThat(config.kafka().bootstrapServers()).isEqualTo("127.0.0.1:39092");
        assertThat(config.kafka().properties()).containsEntry("sasl.jaas.config", jaas)
                .doesNotContainKey("bootstrap.servers");
        assertThat(config.toString()).doesNotContain("Zm9vYmFyc2VjcmV0", "store-secret")
                .contains("security.protocol=SASL_SSL", "ssl.truststore.location=/etc/rg/ca.pem", "sasl.jaas.config=[hidden]");
    }
}
