package dev.restoreguard.infra.stack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.restoreguard.events.Topics;
import dev.restoreguard.infra.stack.StackSecurity.Principal;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The secure stack's ACLs and broker settings, without a broker (the broker's refusals are in SecureStackIT). */
class StackSecurityTest {

    private static Set<String> writers(final String topic) {
        return StackSecurity.acls().stream()
                .filter(b -> b.pattern().resourceType() == ResourceType.TOPIC)
                .filter(b -> b.entry().operation() == AclOperation.WRITE || b.entry().operation() == AclOperation.ALL)
                .filter(b -> b.pattern().patternType() == PatternType.LITERAL ? b.pattern().name().equals(topic)
                        : topic.startsWith(b.pattern().name()))
                .map(b -> b.entry().principal()).collect(Collectors.toSet());
    }

    @Test
    void shouldLetOnlyTheApprovalBridgeWriteApprovals() {
        assertThat(writers(Topics.APPROVALS.name())).containsExactly("User:approval-bridge");
    }

    @Test
    void shouldLetEachCollectorKindWriteOnlyItsOwnTopicAndHeartbeats() {
        assertThat(writers(Topics.HOSTS.name())).containsExactly("User:collector-hosts-file");
        assertThat(writers(Topics.RESTORES.name())).containsExactly("User:collector-restores");
        assertThat(writers(Topics.INVENTORY.name())).containsExactly("User:inventory");
        assertThat(writers(Topics.ALERTS.name())).containsExactly("User:engine");
        assertThat(writers(Topics.AUDIT.name())).contains("User:collector-hosts-file", "User:collector-dns-zone")
                .doesNotContain("User:engine", "User:approval-bridge", "User:sink-elasticsearch");
        assertThat(Principal.forCollectorKind("hosts-file")).isEqualTo(Principal.COLLECTOR_HOSTS_FILE);
        assertThat(Principal.forCollectorKind("dns-zone")).isEqualTo(Principal.COLLECTOR_DNS_ZONE);
    }

    @Test
    void shouldConfigureTheBrokerForSaslSslOnlyWithTheAuthorizerOnASecureHome(@TempDir final Path home)
            throws Exception {
        final KafkaNode plain = new KafkaNode(StackSettings.forHome(home).withPorts(29092, 29093, 29200));
        assertThat(plain.serverProperties()).contains("listeners=PLAINTEXT://127.0.0.1:29092")
                .doesNotContain("authorizer");

        Files.createDirectories(home.resolve(StackSecurity.DIR));
        final Properties secrets = new Properties();
        for (final Principal principal : Principal.values()) {
            secrets.setProperty("kafka." + principal.userName(), "pw-" + principal.userName());
        }
        secrets.setProperty("broker.store.password", "store-pw");
        try (var out = Files.newOutputStream(home.resolve(StackSecurity.DIR).resolve("secrets.properties"))) {
            secrets.store(out, null);
        }
        final Properties server = new Properties();
        server.load(new StringReader(plain.serverProperties()));
        assertThat(server.getProperty("listeners")).isEqualTo("SASL_SSL://127.0.0.1:29092,CONTROLLER://127.0.0.1:29093");
        assertThat(server.getProperty("listener.security.protocol.map")).isEqualTo("CONTROLLER:SSL,SASL_SSL:SASL_SSL");
        assertThat(server.getProperty("listener.name.controller.ssl.client.auth")).isEqualTo("required");
        assertThat(server.getProperty("sasl.enabled.mechanisms")).isEqualTo("SCRAM-SHA-512");
        assertThat(server.getProperty("authorizer.class.name"))
                .isEqualTo("org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        assertThat(server.getProperty("allow.everyone.if.no.acl.found")).isEqualTo("false");
        assertThat(server.getProperty("super.users")).isEqualTo("User:admin;User:CN=restoreguard-broker");
        assertThat(StackSecurity.of(home).adminScramArgument()).isEqualTo("SCRAM-SHA-512=[name=admin,password=pw-admin]");
    }

    @Test
    void shouldNeverGrantWildcardsOrDenyNothingByDefault() {
        final List<AclBinding> acls = StackSecurity.acls();
        assertThat(acls).noneMatch(b -> b.pattern().name().equals("*") || b.entry().principal().equals("User:*"));
        assertThat(acls).noneMatch(b -> b.entry().principal().equals("User:admin"));
    }
}
