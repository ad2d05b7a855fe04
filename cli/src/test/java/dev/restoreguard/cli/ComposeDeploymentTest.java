package dev.restoreguard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.restoreguard.events.Json;
import dev.restoreguard.events.Topic;
import dev.restoreguard.events.Topics;
import dev.restoreguard.infra.stack.IndexTemplates;
import dev.restoreguard.producers.config.CollectorConfig;
import dev.restoreguard.producers.inventory.InventoryLoader;
import dev.restoreguard.sinks.alert.config.SinksFile;
import dev.restoreguard.streams.app.EngineConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;

/**
 * {@code infra/compose}: Docker cannot run here, so the deployment is checked statically. The
 * compose file is validated against the official Compose Specification schema (vendored in
 * {@code src/test/resources/compose}, source and license in its README) with networknt
 * json-schema-validator, and checked against the code: topics against the {@link Topics} registry,
 * the engine's variables against {@link EngineConfig}, every mounted configuration file parsed by
 * the reader of the service that mounts it, with the environment compose gives that service
 * (variables from {@code .env.example}), every RestoreGuard command line parsed by the CLI, image
 * versions against the root pom, dependencies and ports.
 */
class ComposeDeploymentTest {

    private static final Path COMPOSE = Path.of("..", "infra", "compose");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}");
    private static final List<String> BROKERS = List.of("kafka-1:9092", "kafka-2:9092", "kafka-3:9092");

    private static JsonNode compose;
    private static Map<String, String> dotEnv;

    @BeforeAll
    static void read() throws IOException {
        compose = yaml(Files.readString(COMPOSE.resolve("compose.yaml")));
        dotEnv = new LinkedHashMap<>();
        for (final String line : Files.readAllLines(COMPOSE.resolve(".env.example"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                dotEnv.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            }
        }
    }

    /** YAML to JSON as compose reads it: SnakeYAML resolves anchors and {@code <<} merge keys. */
    private static JsonNode yaml(final String text) {
        final Object tree = new Yaml(new LoaderOptions()).load(text);
        return Json.MAPPER.valueToTree(tree);
    }

    private static JsonNode services() {
        return compose.path("services");
    }

    /** Compose's variable interpolation (${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}) over .env. */
    private static String interpolate(final String value, final Map<String, String> env) {
        final Matcher matcher = VARIABLE.matcher(value);
        final StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            final String name = matcher.group(1);
            final String set = env.get(name);
            final String operator = matcher.group(2);
            final String replacement;
            if (set != null && !(set.isEmpty() && operator != null && operator.startsWith(":"))) {
                replacement = set;
            } else if (operator != null && operator.endsWith("-")) {
                replacement = matcher.group(3);
            } else {
                throw new AssertionError("${" + name + "} is used in compose.yaml but not set in .env.example"
                        + (operator != null && operator.endsWith("?") ? " (" + matcher.group(3) + ")" : ""));
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /** The container environment of a service, after interpolation. */
    private static Map<String, String> environment(final String service) {
        final Map<String, String> env = new TreeMap<>();
        services().path(service).path("environment").fields()
                .forEachRemaining(e -> env.put(e.getKey(), interpolate(e.getValue().asText(), dotEnv)));
        return env;
    }

    private static List<String> command(final String service) {
        final List<String> command = new ArrayList<>();
        services().path(service).path("command").forEach(part -> command.add(part.asText()));
        return command;
    }

    private static List<String> restoreGuardServices() {
        final List<String> names = new ArrayList<>();
        services().fields().forEachRemaining(s -> {
            if (s.getValue().path("image").asText().startsWith("restoreguard:")) {
                names.add(s.getKey());
            }
        });
        return names;
    }

    private static String pomProperty(final String name) throws Exception {
        final var document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("..", "pom.xml").toFile());
        return document.getElementsByTagName(name).item(0).getTextContent().strip();
    }

    @Test
    void shouldBeValidAgainstTheComposeSpecificationSchema() throws IOException {
        final JsonSchema schema;
        try (InputStream in = getClass().getResourceAsStream("/compose/compose-spec.json")) {
            // its relative $id ("compose_spec.json") needs an absolute base: where the file comes from
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(
                    SchemaLocation.of("https://github.com/compose-spec/compose-spec/raw/main/schema/compose-spec.json"),
                    Json.MAPPER.readTree(in));
        }
        assertThat(schema.validate(compose)).isEmpty();

        // and the schema check does catch a broken file
        final ObjectNode broken = compose.deepCopy();
        ((ObjectNode) broken.at("/services/engine/depends_on/setup")).put("condition", "service_ready");
        ((ObjectNode) broken.at("/services/kibana")).put("restart_policy", "always");
        final Set<ValidationMessage> errors = schema.validate(broken);
        assertThat(errors.stream().map(ValidationMessage::getMessage).collect(Collectors.joining("\n")))
                .contains("depends_on.setup.condition: does not have a value in the enumeration", "restart_policy");
    }

    @Test
    void shouldDependOnlyOnServicesThatExistInAWayTheyCanSatisfy() {
        final Set<String> names = new java.util.HashSet<>();
        services().fieldNames().forEachRemaining(names::add);
        services().fields().forEachRemaining(service -> service.getValue().path("depends_on").fields().forEachRemaining(dep -> {
            final String on = dep.getKey();
            assertThat(names).as(service.getKey() + " depends_on").contains(on);
            final JsonNode target = services().path(on);
            switch (dep.getValue().path("condition").asText()) {
                case "service_healthy" -> assertThat(target.has("healthcheck")).as(service.getKey() + " waits for " + on + " to be healthy").isTrue();
                case "service_completed_successfully" -> assertThat(target.path("restart").asText("no"))
                        .as(on + " must be one-shot for " + service.getKey()).isEqualTo("no");
                default -> { }
            }
        }));
        // every long-running RestoreGuard service starts after the one-shot setup
        for (final String service : restoreGuardServices()) {
            assertThat(services().at("/" + service + "/depends_on/setup/condition").asText()).as(service)
                    .isEqualTo("service_completed_successfully");
        }
        assertThat(restoreGuardServices()).contains("engine", "sink-elasticsearch", "sink-alerts", "collector-hosts-file");
    }

    @Test
    void shouldCreateExactlyTheTopicsOfTheRegistry() throws IOException {
        final Map<String, String> script = new TreeMap<>();
        for (final String line : Files.readAllLines(COMPOSE.resolve("setup/create-topics.sh"))) {
            if (line.startsWith("topic ")) {
                final String[] parts = line.split("\\s+");
                final Map<String, String> configs = new TreeMap<>();
                Arrays.stream(parts, 3, parts.length).forEach(c -> configs.put(c.substring(0, c.indexOf('=')), c.substring(c.indexOf('=') + 1)));
                script.put(parts[1], parts[2] + " " + configs);
            }
        }
        final Map<String, String> registry = new TreeMap<>();
        for (final Topic<?, ?> topic : Topics.all()) {
            registry.put(topic.name(), topic.partitions() + " " + new TreeMap<>(topic.topicConfig()));
        }
        assertThat(script).isEqualTo(registry);
        assertThat(environment("setup")).containsEntry("BOOTSTRAP_SERVERS", String.join(",", BROKERS))
                .containsEntry("REPLICATION_FACTOR", "3");
    }

    @Test
    void shouldRunThreeKraftBrokersAdvertisingWhatTheyPublish() {
        for (int node = 1; node <= 3; node++) {
            final String name = "kafka-" + node;
            final Map<String, String> env = environment(name);
            assertThat(env).containsEntry("KAFKA_NODE_ID", Integer.toString(node))
                    .containsEntry("KAFKA_PROCESS_ROLES", "broker,controller")
                    .containsEntry("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093")
                    .containsEntry("KAFKA_DEFAULT_REPLICATION_FACTOR", "3")
                    .containsEntry("KAFKA_MIN_INSYNC_REPLICAS", "2")
                    .containsEntry("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "3")
                    .containsEntry("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
            assertThat(env.get("KAFKA_ADVERTISED_LISTENERS")).contains("PLAINTEXT://" + name + ":9092");
            final String hostPort = env.get("KAFKA_ADVERTISED_LISTENERS").replaceAll(".*HOST://localhost:(\\d+).*", "$1");
            assertThat(env.get("KAFKA_LISTENERS")).contains("HOST://:" + hostPort);
            assertThat(services().at("/" + name + "/ports/0").asText()).isEqualTo("127.0.0.1:" + hostPort + ":" + hostPort);
        }
    }

    @Test
    void shouldPinTheVersionsTheProjectTestsWith() throws Exception {
        final String kafka = pomProperty("kafka.version");
        final String elasticsearch = pomProperty("elasticsearch.version");
        for (int node = 1; node <= 3; node++) {
            assertThat(services().at("/kafka-" + node + "/image").asText()).isEqualTo("apache/kafka:" + kafka);
        }
        assertThat(services().at("/es01/image").asText()).isEqualTo("docker.elastic.co/elasticsearch/elasticsearch:" + elasticsearch);
        assertThat(services().at("/certs/image").asText()).isEqualTo("docker.elastic.co/elasticsearch/elasticsearch:" + elasticsearch);
        assertThat(services().at("/kibana/image").asText()).isEqualTo("docker.elastic.co/kibana/kibana:" + elasticsearch);
        final String dockerfile = Files.readString(COMPOSE.resolve("Dockerfile"));
        assertThat(dockerfile).contains("FROM apache/kafka:" + kafka + " AS kafka")
                .containsPattern("FROM eclipse-temurin:(21|25)-jre AS runtime")
                .contains("COPY cli/target/restoreguard.jar ")
                .contains("COPY " + "infra/src/main/resources/" + IndexTemplates.FOLDER + " /opt/restoreguard/index-templates");
        assertThat(Path.of("..", "infra", "src", "main", "resources", IndexTemplates.FOLDER)).isDirectory();
        assertThat(services().at("/engine/build/context").asText()).isEqualTo("../..");
        assertThat(services().at("/setup/build/target").asText()).isEqualTo("setup");
    }

    @Test
    void shouldGiveTheEngineOnlyVariablesItReadsWithValuesItAccepts() {
        final Map<String, String> env = environment("engine");
        final EngineConfig config = EngineConfig.fromEnvironment(env);
        assertThat(config.bootstrapServers()).isEqualTo(String.join(",", BROKERS));
        assertThat(config.stateDir().toString()).startsWith(services().at("/engine/volumes/0").asText().split(":")[1]);
        assertThat(services().at("/engine/healthcheck/test").toString()).contains("127.0.0.1:" + config.httpPort() + "/health/ready");
        assertThat(config.streamThreads()).isEqualTo(2);
        // each RESTOREGUARD_* variable given to the engine is one EngineConfig reads: set alone to a
        // probe value, it changes the configuration or is refused (an unread one could do neither)
        final EngineConfig defaults = EngineConfig.fromEnvironment(Map.of());
        for (final String variable : env.keySet()) {
            assertThat(variable).startsWith("RESTOREGUARD_");
            boolean read;
            try {
                read = !EngineConfig.fromEnvironment(Map.of(variable, "probe-value")).equals(defaults);
            } catch (IllegalArgumentException e) {
                read = true;
            }
            assertThat(read).as(variable + " is read by EngineConfig").isTrue();
        }
    }

    @Test
    void shouldParseEveryMountedConfigurationWithItsServiceEnvironment() {
        final Path config = COMPOSE.resolve("config");
        for (final String service : restoreGuardServices()) {
            final Map<String, String> env = environment(service);
            if (!service.equals("inventory")) {
                assertThat(env).as(service).containsEntry("RESTOREGUARD_BOOTSTRAP_SERVERS", String.join(",", BROKERS));
            }
            final List<String> command = command(service);
            final int at = command.indexOf("--config");
            final Path file = at < 0 ? null : config.resolve(Path.of(command.get(at + 1)).getFileName());
            if (file != null || command.get(0).equals("inventory")) {
                // the files read in the container come from ./config
                assertThat(services().at("/" + service + "/volumes").toString()).as(service).contains("./config:/etc/restoreguard:ro");
            }
            switch (command.get(0)) {
                case "engine" -> assertThat(file).isNull();
                case "sink" -> {
                    final SinksFile sinks = SinksFile.read(file, env);
                    if (command.get(1).equals("alerts")) {
                        assertThat(sinks.requireAlerts().channels()).isNotEmpty();
                    } else {
                        assertThat(sinks.sinks().elasticsearch().urls()).containsExactly("https://es01:9200");
                        assertThat(sinks.sinks().elasticsearch().caFile()).isEqualTo("/certs/ca/ca.crt");
                        assertThat(sinks.sinks().elasticsearch().password()).isEqualTo(dotEnv.get("RESTOREGUARD_ES_PASSWORD"));
                    }
                }
                case "collect" -> {
                    final CollectorConfig collector = CollectorConfig.read(file, env);
                    assertThat(collector.kafka().bootstrapServers()).isEqualTo(String.join(",", BROKERS));
                    assertThat(collector.collector().health().port()).as(service)
                            .isEqualTo(Integer.parseInt(services().at("/" + service + "/healthcheck/test").toString()
                                    .replaceAll(".*127\\.0\\.0\\.1:(\\d+)/.*", "$1")));
                }
                case "inventory" -> {
                    assertThat(InventoryLoader.load(config.resolve(Path.of(command.get(2)).getFileName()), env).assets()).isNotEmpty();
                    assertThat(command).containsSubsequence("--bootstrap-server", String.join(",", BROKERS));
                }
                default -> throw new AssertionError(service + ": unexpected command " + command);
            }
        }
    }

    @Test
    void shouldUseOnlyCommandsAndOptionsTheCliHas() throws IOException {
        for (final String service : restoreGuardServices()) {
            final List<String> command = command(service);
            assertThatCode(() -> new CommandLine(new RestoreGuardCli()).parseArgs(command.toArray(String[]::new)))
                    .as(service + ": " + command).doesNotThrowAnyException();
            final int httpPort = command.indexOf("--http-port");
            if (httpPort >= 0) {
                assertThat(services().at("/" + service + "/healthcheck/test").toString())
                        .contains("127.0.0.1:" + command.get(httpPort + 1) + "/health/");
            }
        }
        // the setup script's last step: restoreguard kibana import
        final String setup = Files.readString(COMPOSE.resolve("setup/setup.sh")).replace("\\\n", " ");
        final Matcher importLine = Pattern.compile("restoreguard\\.jar (kibana import [^\\n]*)").matcher(setup);
        assertThat(importLine.find()).isTrue();
        final Map<String, String> shell = new HashMap<>(environment("setup"));
        final String[] args = importLine.group(1).replaceAll("\"\\$([A-Z_]+)\"", "$1").trim().split("\\s+");
        assertThat(args).contains("--url", "KIBANA_URL", "--password-env", "ELASTIC_PASSWORD");
        assertThat(shell).containsKeys("KIBANA_URL", "ELASTIC_PASSWORD");
        assertThatCode(() -> new CommandLine(new RestoreGuardCli()).parseArgs(
                Arrays.stream(args).map(a -> a.equals("KIBANA_URL") ? shell.get("KIBANA_URL") : a).toArray(String[]::new)))
                .doesNotThrowAnyException();
    }

    @Test
    void shouldNotPublishAHostPortTwiceAndOnlyOnLoopback() {
        final Map<String, String> published = new TreeMap<>();
        services().fields().forEachRemaining(service -> service.getValue().path("ports").forEach(port -> {
            final String[] parts = port.asText().split(":");
            assertThat(parts).as(service.getKey() + " " + port).hasSize(3);
            assertThat(parts[0]).as(service.getKey() + " binds the host port on loopback only").isEqualTo("127.0.0.1");
            final String previous = published.put(parts[1], service.getKey());
            assertThat(previous).as("host port " + parts[1] + " of " + service.getKey()).isNull();
        }));
        assertThat(published).containsKeys("9200", "5601", "29092", "39092", "49092");
    }
}
