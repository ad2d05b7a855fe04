package dev.restoreguard.testkit;

import dev.restoreguard.infra.stack.LocalStack;
import dev.restoreguard.infra.stack.StackSecurity;
import dev.restoreguard.infra.stack.StackSettings;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A secure local stack ({@code stack up --secure}: Kafka with SASL/SCRAM over TLS and ACLs,
 * Elasticsearch with security on) for one IT class: start it in {@code @BeforeAll}, close it in
 * {@code @AfterAll}. It never shares the plain test stack's home or ports: its home is the test
 * home with {@code -secure} appended (its data is deleted on every start) and its ports are the
 * test ports + {@value #PORT_OFFSET}, so both run at once.
 */
public final class SecureTestStack implements AutoCloseable {

    private static final Logger LOGGER = LoggerFactory.getLogger(SecureTestStack.class);
    /** Added to each of the plain test stack's ports. */
    public static final int PORT_OFFSET = 10;

    private final LocalStack stack;
    private final StackSecurity security;

    private SecureTestStack(final LocalStack stack) {
        this.stack = stack;
        this.security = StackSecurity.of(stack.settings().home());
    }

    /** Deletes what an earlier run left in the secure home and starts the stack secure. */
    public static SecureTestStack start() {
        final StackSettings plain = LocalStackExtension.settings();
        final Path home = plain.home().resolveSibling(plain.home().getFileName() + "-secure");
        final StackSettings settings = new StackSettings(home, plain.kafkaPort() + PORT_OFFSET,
                plain.controllerPort() + PORT_OFFSET, plain.elasticsearchPort() + PORT_OFFSET, plain.startTimeout(),
                plain.stopTimeout());
        final LocalStack stack = new LocalStack(settings, line -> LOGGER.info("[secure test stack] {}", line));
        // Empty topics and indices each run; the certificates and passwords of an earlier run are kept.
        stack.down();
        stack.deleteData();
        stack.secure().up();
        return new SecureTestStack(stack);
    }

    public StackSettings settings() {
        return stack.settings();
    }

    public StackSecurity security() {
        return security;
    }

    /** The complete client configuration of {@code principal}. */
    public Map<String, Object> kafkaConfig(final StackSecurity.Principal principal) {
        return security.clientConfig(stack.settings(), principal);
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String elasticsearchUrl() {
        return stack.settings().elasticsearchUrl();
    }

    /** The stack's home (logs under {@code kafka/logs} and {@code elasticsearch/logs}). */
    public Path home() {
        return stack.settings().home();
    }

    @Override
    public void close() {
        stack.down();
    }
}
