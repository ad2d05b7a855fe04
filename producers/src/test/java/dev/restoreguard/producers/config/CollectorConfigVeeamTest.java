package dev.restoreguard.producers.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.restoreguard.events.config.ConfigException;
import dev.restoreguard.producers.runtime.CollectorKinds;
import dev.restoreguard.producers.runtime.Metrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The veeam_syslog, veeam_rest and servicenow sections: defaults, key paths in errors, the documented example. */
class CollectorConfigVeeamTest {

    private static CollectorConfig parse(final String yaml) {
        return CollectorConfig.parse(yaml, Map.of("VEEAM_PASSWORD", "pw", "SN_PASSWORD", "pw"));
    }

    @Test
    void shouldApplyDefaults() {
        final CollectorConfig c = parse("""
                collectors:
                  veeam_syslog: {udp: {}}
                  veeam_rest: {url: 'https://vbr01.corp.example:9419', username: svc, password: x}
                  servicenow: {instance_url: 'https://corp.service-now.com', token: t}
                """);
        final CollectorConfig.VeeamSyslog s = c.collectors().veeamSyslog();
        assertThat(s.udp().bind()).isEqualTo("0.0.0.0");
        assertThat(s.udp().port()).isEqualTo(514);
        assertThat(s.tcp()).isNull();
        assertThat(s.maxMessageBytes()).isEqualTo(65_536);
        assertThat(s.maxConnections()).isEqualTo(256);
        assertThat(s.idleTimeoutSeconds()).isEqualTo(600);
        final CollectorConfig.VeeamRest r = c.collectors().veeamRest();
        assertThat(r.apiVersion()).isEqualTo("1.2-rev0");
        assertThat(r.sessionTypes()).containsExactly("RestoreVm", "InstantRecovery", "FirstClassDiskInstantRestore");
        assertThat(r.pollSeconds()).isEqualTo(30);
        assertThat(r.pageSize()).isEqualTo(200);
        assertThat(r.stop().enabled()).isFalse();
        assertThat(r.stop().rules()).containsExactly("RG-001", "RG-002");
        final CollectorConfig.ServiceNow n = c.collectors().servicenow();
        assertThat(n.pollSeconds()).isEqualTo(60);
        assertThat(n.initialLookbackDays()).isEqualTo(30);
    }

    @Test
    void shouldNameTheKeyOfEveryProblem() {
        assertThatThrownBy(() -> parse("collectors: {veeam_syslog: {}}")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("collectors.veeam_syslog").hasMessageContaining("at least one of udp, tcp, tls");
        assertThatThrownBy(() -> parse("collectors: {veeam_syslog: {tcp: {port: 70000}}}"))
                .hasMessageContaining("collectors.veeam_syslog.tcp").hasMessageContaining("port");
        assertThatThrownBy(() -> parse("collectors: {veeam_syslog: {tls: {port: 6514}}}"))
                .hasMessageContaining("collectors.veeam_syslog.tls").hasMessageContaining("key_store");
        assertThatThrownBy(() -> parse("collectors: {veeam_syslog: {udp: {}, max_message_bytes: 10}}"))
                .hasMessageContaining("max_message_bytes");
        assertThatThrownBy(() -> parse("collectors: {veeam_rest: {url: 'https://v:9419', username: u}}"))
                .hasMessageContaining("collectors.veeam_rest").hasMessageContaining("password");
        assertThatThrownBy(() -> parse("collectors: {veeam_rest: {url: 'ftp://v', username: u, password: p}}"))
                .hasMessageContaining("url");
        assertThatThrownBy(() -> parse("collectors: {veeam_rest: {url: 'https://v', username: u, password: p, api_version: v2}}"))
                .hasMessageContaining("api_version");
        assertThatThrownBy(() -> parse("collectors: {veeam_rest: {url: 'https://v', username: u, password: p, stop: {rules: [RG-003]}}}"))
                .hasMessageContaining("collectors.veeam_rest.stop").hasMessageContaining("RG-003");
        assertThatThrownBy(() -> parse("collectors: {veeam_rest: {url: 'https://v', username: u, password: p, tls: {pinned_sha256: ab, ca_file: c}}}"))
                .hasMessageContaining("collectors.veeam_rest.tls");
        assertThatThrownBy(() -> parse("collectors: {servicenow: {instance_url: 'https://x', username: u, password: p, token: t}}"))
                .hasMessageContaining("collectors.servicenow").hasMessageContaining("exactly one");
        assertThatThrownBy(() -> parse("collectors: {servicenow: {instance_url: 'https://x', username: u, password: p, pol_seconds: 5}}"))
                .hasMessageContaining("pol_seconds");
    }

    @Test
    void shouldNameTheMissingSectionAndTheUnreadableSecret() {
        assertThat(CollectorKinds.KINDS).contains("veeam-syslog", "veeam-rest", "servicenow");
        for (String kind : List.of("veeam-syslog", "veeam-rest", "servicenow")) {
            assertThatThrownBy(() -> CollectorKinds.create(kind, parse("{}"), new Metrics()))
                    .isInstanceOf(ConfigException.class).hasMessage("collectors." + kind.replace('-', '_') + ": required");
        }
        assertThatThrownBy(() -> CollectorKinds.create("veeam-rest",
                parse("collectors: {veeam_rest: {url: 'https://v:9419', username: u, password_file: /no/such/file}}"), new Metrics()))
                .hasMessageContaining("collectors.veeam_rest.password_file").hasMessageContaining("/no/such/file");
        assertThatThrownBy(() -> CollectorKinds.create("veeam-syslog",
                parse("collectors: {veeam_syslog: {tls: {certificate: /no/cert.pem, private_key: /no/key.pem}}}"), new Metrics()))
                .hasMessageContaining("collectors.veeam_syslog.tls");
    }

    /** The example in docs/collectors-restores-approvals.md is a valid configuration. */
    @Test
    void shouldAcceptTheDocumentedExample() throws Exception {
        final String doc = Files.readString(Path.of("..", "docs", "collectors-restores-approvals.md"));
        final Matcher m = Pattern.compile("```yaml\\n(collectors:.*?)```", Pattern.DOTALL).matcher(doc);
        assertThat(m.find()).as("a yaml example in the doc").isTrue();
        final CollectorConfig c = parse(m.group(1));
        assertThat(c.collectors().veeamSyslog()).isNotNull();
        assertThat(c.collectors().veeamRest()).isNotNull();
        assertThat(c.collectors().servicenow()).isNotNull();
    }
}
