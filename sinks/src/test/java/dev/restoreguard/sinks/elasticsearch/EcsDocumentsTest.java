package dev.restoreguard.sinks.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.events.config.ConfigException;
import dev.restoreguard.sinks.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EcsDocumentsTest {

    private static final Instant NOW = Instant.parse("2026-11-20T16:05:00Z");
    private final EcsDocuments documents = new EcsDocuments("default");

    @Test
    void shouldNameTheDataStreamsAfterTheNamespace() {
        assertThat(documents.eventsDataStream()).isEqualTo("logs-restoreguard.events-default");
        assertThat(documents.alertsDataStream()).isEqualTo("logs-restoreguard.alerts-default");
    }

    @Test
    void shouldPutTheRestoreDestinationInHostTarget() {
        final JsonNode doc = documents.event(Fixtures.restore(), NOW);
        assertThat(doc.at("/event/kind").asText()).isEqualTo("event");
        assertThat(doc.at("/event/action").asText()).isEqualTo("restore-started");
        assertThat(doc.at("/event/category/0").asText()).isEqualTo("database");
        assertThat(doc.at("/event/ingested").asText()).isEqualTo("2026-11-20T16:05:00Z");
        assertThat(doc.at("/host/name").asText()).isEqualTo("vbr01.corp.example");
        assertThat(doc.at("/host/target/name").asText()).as("short name qualified with the observer's domain")
                .isEqualTo("sql-dev-01.corp.example");
        assertThat(doc.at("/user/name").asText()).isEqualTo("CORP\\jdoe");
        assertThat(doc.at("/related/hosts").toString()).contains("vbr01.corp.example", "sql-dev-01.corp.example");
        assertThat(doc.at("/restoreguard/restore/session_id").asText()).isEqualTo("8c0e7a4e-1111-2222-3333-444455556666");
        assertThat(doc.at("/message").asText()).contains("veeam restore session", "started on vbr01.corp.example");
    }

    @Test
    void shouldDescribeHostsFilesAndDnsRecordsWithEcsFields() {
        final JsonNode hosts = documents.event(Fixtures.hostsChange(), NOW);
        assertThat(hosts.at("/file/path").asText()).isEqualTo("C:\\Windows\\System32\\drivers\\etc\\hosts");
        assertThat(hosts.at("/related/ip/0").asText()).isEqualTo("10.20.1.15");
        assertThat(hosts.at("/restoreguard/hosts/changes/0/after_address").asText()).isEqualTo("10.20.1.15");
        assertThat(hosts.at("/message").asText()).contains("1 added", "sql-dev-01.corp.example -> 10.20.1.15");

        final JsonNode dns = documents.event(Fixtures.dnsAdd(), NOW);
        assertThat(dns.at("/dns/question/name").asText()).isEqualTo("app01.corp.example");
        assertThat(dns.at("/event/type/0").asText()).isEqualTo("creation");
        assertThat(dns.at("/host/name").asText()).isEqualTo("dc01.corp.example");
        assertThat(dns.at("/related/ip/0").asText()).isEqualTo("10.20.1.40");
    }

    @Test
    void shouldKeepTheAlertDocumentAndHashEachVersionDifferently() {
        final Alert open = Fixtures.alert(Alert.OPEN);
        final JsonNode doc = documents.alert(open, NOW);
        assertThat(doc.at("/event/kind").asText()).isEqualTo("alert");
        assertThat(doc.at("/event/severity").asInt()).isEqualTo(99);
        assertThat(doc.at("/event/action").asText()).isEqualTo("alert-open");
        assertThat(doc.at("/alert/id").asText()).isEqualTo(open.alert().id());
        assertThat(doc.at("/data_stream/dataset").asText()).isEqualTo("restoreguard.alerts");
        assertThat(EcsDocuments.alertVersionId(open)).isEqualTo(EcsDocuments.alertVersionId(Fixtures.alert(Alert.OPEN)))
                .isNotEqualTo(EcsDocuments.alertVersionId(open.withStatus(Alert.RETRACTED)))
                .startsWith(open.alert().id() + "-");
    }

    @Test
    void shouldSortBulkItemStatuses() {
        assertThat(ElasticsearchSink.classify(201, false)).isEqualTo(ElasticsearchSink.Outcome.WRITTEN);
        assertThat(ElasticsearchSink.classify(409, false)).isEqualTo(ElasticsearchSink.Outcome.DUPLICATE);
        assertThat(ElasticsearchSink.classify(409, true)).isEqualTo(ElasticsearchSink.Outcome.STALE);
        assertThat(ElasticsearchSink.classify(429, false)).isEqualTo(ElasticsearchSink.Outcome.RETRY);
        assertThat(ElasticsearchSink.classify(503, false)).isEqualTo(ElasticsearchSink.Outcome.RETRY);
        assertThat(ElasticsearchSink.classify(403, false)).as("a revoked key is fixed by a person, not dead-lettered")
                .isEqualTo(ElasticsearchSink.Outcome.RETRY);
        assertThat(ElasticsearchSink.classify(400, false)).isEqualTo(ElasticsearchSink.Outcome.REFUSED);
    }

    @Test
    void shouldTrustTheCaOfAPemFile(@TempDir final Path dir) throws Exception {
        final Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        final Path store = dir.resolve("ca.p12");
        final Path pem = dir.resolve("ca.pem");
        run(keytool.toString(), "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-dname", "CN=RestoreGuard Test CA",
                "-ext", "bc:c", "-keystore", store.toString(), "-storepass", "changeit", "-validity", "2");
        run(keytool.toString(), "-exportcert", "-rfc", "-alias", "ca", "-keystore", store.toString(),
                "-storepass", "changeit", "-file", pem.toString());
        assertThat(ElasticsearchClients.sslContext(pem).getProtocol()).isEqualTo("TLS");
        Files.writeString(dir.resolve("empty.pem"), "");
        assertThatThrownBy(() -> ElasticsearchClients.sslContext(dir.resolve("empty.pem"))).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("ca_file:");
    }

    @Test
    void shouldRejectConflictingCredentialsWithTheKeyPath() {
        assertThatThrownBy(() -> new ElasticsearchSinkConfig(List.of("https://es:9200"), "key", "user", "pw", null, null,
                null, null, null, null, null, null, null, null, null, null, null))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("api_key:");
        assertThatThrownBy(() -> ElasticsearchSinkConfig.DEFAULT.withTopology("g", List.of(), "a", "d", "bad-ns", "x"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("namespace:");
    }

    private static void run(final String... command) throws Exception {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }
}
