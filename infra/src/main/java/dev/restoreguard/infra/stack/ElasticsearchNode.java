package dev.restoreguard.infra.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Elasticsearch node from the integ-test zip, unpacked under the stack's home and started with
 * {@code bin/elasticsearch -d -p}: the launcher returns once the node is up and leaves only the
 * server JVM, whose pid the node writes itself. Security is off and HTTP binds to 127.0.0.1 only.
 *
 * <p>Elasticsearch refuses to run as root. As root the node runs as the system user
 * {@value #SERVICE_USER} (created on demand) and its folder is given to that user. A home under a
 * folder that user cannot enter ({@code /root} is 0700) cannot hold the node's files; they then go
 * to {@code /var/lib/restoreguard-es/<name>-<hash>} and the home records where.
 */
final class ElasticsearchNode implements ChildNode {

    static final String NAME = "elasticsearch";
    static final String SERVICE_USER = "restoreguard-es";
    private static final Logger LOGGER = LoggerFactory.getLogger(ElasticsearchNode.class);
    private static final Path RELOCATION_ROOT = Path.of("/var/lib/restoreguard-es");
    private static final String LOCATION_FILE = "elasticsearch.location";
    private static final String COMPLETE_MARKER = ".restoreguard-unpacked";
    private static final Duration POLL = Duration.ofMillis(500);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StackSettings settings;
    private final HttpClient http;

    ElasticsearchNode(final StackSettings settings) {
        this.settings = settings;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    }

    /** The node's folder: the recorded one if an earlier {@code up} moved it, else {@code <home>/elasticsearch}. */
    Path dir() {
        final Path location = settings.home().resolve(LOCATION_FILE);
        if (Files.isRegularFile(location)) {
            try {
                return Path.of(Files.readString(location, StandardCharsets.UTF_8).strip());
            } catch (final IOException e) {
                LOGGER.atWarn().addKeyValue("file", location).setCause(e).log("Cannot read the Elasticsearch location");
            }
        }
        return settings.home().resolve(NAME);
    }

    Path pidFile() {
        return dir().resolve("elasticsearch.pid");
    }

    Path serverLog() {
        return dir().resolve("logs").resolve("restoreguard.log");
    }

    Path launcherLog() {
        return dir().resolve("launcher.log");
    }

    String address() {
        return settings.elasticsearchUrl();
    }

    /** On the server JVM's command line (through ES_JAVA_OPTS) so that its pid can be recognized. */
    private String marker(final Path dir) {
        return "-Drestoreguard.es.dir=" + dir;
    }

    @Override
    public Optional<ProcessHandle> process() {
        return Processes.liveProcess(pidFile(), marker(dir()));
    }

    @Override
    public ComponentStatus status() {
        final Optional<ProcessHandle> process = process();
        if (process.isEmpty()) {
            final String detail = Processes.accepting(settings.elasticsearchPort())
                    ? "stopped (but port " + settings.elasticsearchPort() + " is used by another process)"
                    : "stopped";
            return new ComponentStatus(NAME, ComponentStatus.State.STOPPED, OptionalLong.empty(), address(), detail,
                    Optional.empty());
        }
        final OptionalLong pid = OptionalLong.of(process.get().pid());
        return health()
                .filter(h -> !"red".equals(h.path("status").asText()))
                .map(h -> new ComponentStatus(NAME, ComponentStatus.State.HEALTHY, pid, address(),
                        "cluster " + h.path("cluster_name").asText() + ", status " + h.path("status").asText()
                                + ", " + h.path("active_shards").asInt() + " active shards",
                        Optional.<Duration>empty()))
                .orElseGet(() -> new ComponentStatus(NAME, ComponentStatus.State.RUNNING, pid, address(),
                        "process runs but the cluster is not yellow/green yet", Optional.empty()));
    }

    /**
     * Unpacks the distribution if needed, prepares the service user when running as root, and
     * starts the launcher. Returns the launcher process, which exits once the node is up.
     */
    @Override
    public Process start(final Jdk jdk, final Distribution distribution, final Consumer<String> progress) throws IOException {
        final boolean root = isRoot();
        final Path dir = chooseDir(root, progress);
        Files.createDirectories(dir);
        final Path dist = dir.resolve("elasticsearch-" + distribution.elasticsearchVersion());
        if (!Files.isRegularFile(dist.resolve(COMPLETE_MARKER))) {
            unpack(distribution, dist, progress);
        }
        for (final String sub : List.of("data", "logs", "tmp")) {
            Files.createDirectories(dir.resolve(sub));
        }
        Files.deleteIfExists(dir.resolve("elasticsearch.pid"));
        final boolean secure = StackSecurity.enabled(settings.home());
        if (secure) {
            writeFileRealm(jdk, dist, StackSecurity.of(settings.home()), progress);
        }
        final List<String> command = new ArrayList<>();
        if (root) {
            ensureServiceUser(progress);
            checkReadableByServiceUser(jdk);
            // The node writes data, logs, its keystore (config/) and the pid file.
            FileTrees.chown(dir, SERVICE_USER);
            progress.accept("Running Elasticsearch as the unprivileged user " + SERVICE_USER
                    + " (it refuses to run as root); " + dir + " belongs to that user");
            command.addAll(List.of(executable("runuser"), "-u", SERVICE_USER, "--"));
        }
        // Through env(1) so that the variables survive runuser's environment handling.
        // Without JAVA_HOME the launcher does not warn that it ignores it in favour of ES_JAVA_HOME.
        command.addAll(List.of("/usr/bin/env", "-u", "JAVA_HOME",
                "ES_JAVA_HOME=" + jdk.home(),
                "ES_JAVA_OPTS=-Xms512m -Xmx512m " + marker(dir) + " -D" + LocalStack.HOME_MARKER + "=" + settings.home(),
                "ES_TMPDIR=" + dir.resolve("tmp"),
                "ES_PATH_CONF=" + dist.resolve("config"),
                dist.resolve("bin").resolve("elasticsearch").toString(),
                "-d", "-p", dir.resolve("elasticsearch.pid").toString(),
                "-E", "cluster.name=restoreguard",
                "-E", "node.name=restoreguard-local",
                "-E", "discovery.type=single-node",
                // Without an explicit value ES 9 turns security and TLS on and rewrites its config.
                "-E", "xpack.security.enabled=" + secure,
                "-E", "http.host=127.0.0.1",
                "-E", "http.port=" + settings.elasticsearchPort(),
                "-E", "transport.host=127.0.0.1",
                "-E", "path.data=" + dir.resolve("data"),
                "-E", "path.logs=" + dir.resolve("logs"),
                // A developer's nearly full disk must not turn the indices read-only mid-test.
                "-E", "cluster.routing.allocation.disk.threshold_enabled=false"));
        progress.accept("Starting Elasticsearch " + distribution.elasticsearchVersion() + " on " + address()
                + " with " + jdk.home());
        Files.deleteIfExists(launcherLog());
        return Processes.startDetached(command, dir, launcherLog(), Map.of());
    }

    /**
     * Waits until the launcher reports the node started and the cluster is yellow or green. On
     * failure it kills what it started and reports the tail of the logs.
     */
    @Override
    public void awaitHealthy(final Process launcher, final Instant deadline) {
        try {
            final long waitMillis = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
            if (!launcher.waitFor(waitMillis, TimeUnit.MILLISECONDS)) {
                Processes.killTree(launcher.toHandle());
                process().ifPresent(Processes::killTree);
                throw new StackException("Elasticsearch did not start within " + settings.startTimeout().toSeconds()
                        + " s.\n" + logs());
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("Interrupted while waiting for Elasticsearch", e);
        }
        if (launcher.exitValue() != 0) {
            throw new StackException("Elasticsearch failed to start (launcher exit code " + launcher.exitValue()
                    + ").\n" + logs());
        }
        awaitHealthy(deadline);
    }

    /** Waits for yellow/green health of a node whose process runs. */
    @Override
    public void awaitHealthy(final Instant deadline) {
        while (Instant.now().isBefore(deadline)) {
            if (process().isEmpty()) {
                throw new StackException("Elasticsearch is not running (pid file " + pidFile() + ").\n" + logs());
            }
            final Optional<JsonNode> health = health();
            if (health.isPresent() && !"red".equals(health.get().path("status").asText())) {
                return;
            }
            if (!Processes.pause(POLL)) {
                break;
            }
        }
        throw new StackException("Elasticsearch did not become yellow/green within "
                + settings.startTimeout().toSeconds() + " s.\n" + logs());
    }

    /** Installs (or overwrites, to pick up changes) every bundled index template; returns their names. */
    List<String> installTemplates() {
        final List<String> installed = new ArrayList<>();
        for (final Map.Entry<String, String> template : IndexTemplates.load().entrySet()) {
            final HttpResponse<String> response = send(authorized(HttpRequest.newBuilder(uri("/_index_template/"
                            + template.getKey())))
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(template.getValue()))
                    .timeout(Duration.ofSeconds(30))
                    .build());
            if (response.statusCode() / 100 != 2) {
                throw new StackException("Elasticsearch rejected index template " + template.getKey() + " (HTTP "
                        + response.statusCode() + "): " + response.body());
            }
            installed.add(template.getKey());
        }
        return installed;
    }

    /** Stops the node (graceful on SIGTERM); returns whether it was running. */
    @Override
    public boolean stop(final Duration timeout) {
        final Optional<ProcessHandle> process = process();
        process.ifPresent(handle -> Processes.stop(handle, timeout));
        try {
            // The node removes its pid file on a clean stop; not after SIGKILL.
            Files.deleteIfExists(pidFile());
        } catch (final IOException e) {
            LOGGER.atWarn().addKeyValue("file", pidFile()).setCause(e).log("Cannot delete pid file");
        }
        return process.isPresent();
    }

    /** Removes the node's indices (the distribution stays unpacked). */
    void deleteData() throws IOException {
        FileTrees.delete(dir().resolve("data"));
    }

    /** {@code GET /_cluster/health} (the zip answers 405 to {@code GET /}); empty when it does not answer. */
    Optional<JsonNode> health() {
        if (!Processes.accepting(settings.elasticsearchPort())) {
            return Optional.empty();
        }
        try {
            final HttpResponse<String> response = http.send(authorized(HttpRequest.newBuilder(uri("/_cluster/health")))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(JSON.readTree(response.body())) : Optional.empty();
        } catch (final IOException e) {
            return Optional.empty();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private HttpResponse<String> send(final HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (final IOException e) {
            throw new StackException("Elasticsearch request " + request.method() + " " + request.uri() + " failed: "
                    + e.getMessage(), e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("Interrupted: " + request.method() + " " + request.uri(), e);
        }
    }

    /** On a secure stack, the request with the stack admin's credentials. */
    private HttpRequest.Builder authorized(final HttpRequest.Builder request) {
        if (StackSecurity.enabled(settings.home())) {
            request.header("Authorization",
                    StackSecurity.of(settings.home()).elasticsearchAuthorization(StackSecurity.ES_ADMIN));
        }
        return request;
    }

    /**
     * Writes {@code roles.yml} and adds the file-realm users that {@code config/users} lacks, with
     * {@code bin/elasticsearch-users} (password on its standard input, not its command line).
     */
    private void writeFileRealm(final Jdk jdk, final Path dist, final StackSecurity security,
                                final Consumer<String> progress) throws IOException {
        final Path config = dist.resolve("config");
        Files.writeString(config.resolve("roles.yml"), StackSecurity.rolesYaml(), StandardCharsets.UTF_8);
        final Path usersFile = config.resolve("users");
        final Path secrets = security.dir().resolve("secrets.properties");
        if (Files.isRegularFile(usersFile)
                && Files.getLastModifiedTime(usersFile).compareTo(Files.getLastModifiedTime(secrets)) < 0) {
            // The passwords were generated anew since the users were added: add them again.
            Files.delete(usersFile);
            Files.deleteIfExists(config.resolve("users_roles"));
        }
        final String existing = Files.isRegularFile(usersFile) ? Files.readString(usersFile, StandardCharsets.UTF_8) : "";
        for (final Map.Entry<String, String> user : security.elasticsearchUsers().entrySet()) {
            if (existing.lines().anyMatch(line -> line.startsWith(user.getKey() + ":"))) {
                continue;
            }
            progress.accept("Adding Elasticsearch file-realm user " + user.getKey() + " (role " + user.getValue() + ")");
            final String password = security.elasticsearchPassword(user.getKey());
            final Processes.CommandResult result = Processes.run(List.of(
                    dist.resolve("bin").resolve("elasticsearch-users").toString(), "useradd", user.getKey(),
                    "-r", user.getValue()),
                    Map.of("ES_JAVA_HOME", jdk.home().toString(), "ES_PATH_CONF", config.toString()),
                    password + "\n" + password + "\n", Duration.ofMinutes(2));
            if (!result.ok()) {
                throw new StackException("elasticsearch-users useradd " + user.getKey() + " failed (exit code "
                        + result.exitCode() + "): " + result.output());
            }
        }
    }

    private URI uri(final String path) {
        return URI.create(address() + path);
    }

    private String logs() {
        return Processes.tail(launcherLog()) + "\n" + Processes.tail(serverLog());
    }

    /** {@code <home>/elasticsearch}, unless root and the service user cannot enter the home. */
    private Path chooseDir(final boolean root, final Consumer<String> progress) throws IOException {
        final Path inHome = settings.home().resolve(NAME);
        final Path location = settings.home().resolve(LOCATION_FILE);
        if (!root || traversableByOthers(settings.home())) {
            Files.deleteIfExists(location);
            return inHome;
        }
        final Path relocated = RELOCATION_ROOT.resolve(relocatedName(settings.home()));
        if (!Files.isRegularFile(location)) {
            progress.accept("Elasticsearch's files go to " + relocated + ": user " + SERVICE_USER + " cannot enter "
                    + settings.home() + " (a parent folder is not world-executable)");
        }
        Files.createDirectories(RELOCATION_ROOT);
        Files.setPosixFilePermissions(RELOCATION_ROOT, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(location, relocated + "\n", StandardCharsets.UTF_8);
        return relocated;
    }

    static String relocatedName(final Path home) {
        try {
            final byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(home.toString().getBytes(StandardCharsets.UTF_8));
            final String name = home.getFileName() == null ? "root" : home.getFileName().toString();
            return name.replaceAll("[^A-Za-z0-9._-]", "_").replaceFirst("^\\.", "") + "-"
                    + HexFormat.of().formatHex(digest, 0, 4);
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    /** Whether every existing folder from {@code /} down to {@code path} lets others pass. */
    static boolean traversableByOthers(final Path path) throws IOException {
        for (Path current = path.toAbsolutePath(); current != null; current = current.getParent()) {
            if (Files.isDirectory(current)
                    && !Files.getPosixFilePermissions(current).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                return false;
            }
        }
        return true;
    }

    private void unpack(final Distribution distribution, final Path dist, final Consumer<String> progress)
            throws IOException {
        final Path zip = distribution.elasticsearchZip();
        progress.accept("Unpacking Elasticsearch " + distribution.elasticsearchVersion() + " to " + dist);
        // Unpack beside the target and rename, so that an interrupted unpack is never mistaken
        // for a complete one.
        final Path partial = dist.resolveSibling(dist.getFileName() + ".partial");
        FileTrees.delete(partial);
        FileTrees.delete(dist);
        FileTrees.unzip(zip, partial);
        Files.writeString(partial.resolve(COMPLETE_MARKER), zip + "\n", StandardCharsets.UTF_8);
        Files.move(partial, dist);
    }

    private void ensureServiceUser(final Consumer<String> progress) throws IOException {
        if (Processes.run(List.of(executable("getent"), "passwd", SERVICE_USER), Duration.ofSeconds(10)).ok()) {
            return;
        }
        progress.accept("Creating the system user " + SERVICE_USER + " to run Elasticsearch (it refuses to run as root)");
        final Processes.CommandResult result = Processes.run(List.of(executable("useradd"), "-r", "-M", "-s",
                "/usr/sbin/nologin", SERVICE_USER), Duration.ofSeconds(30));
        // Exit code 9: created meanwhile by a concurrent 'up'.
        if (!result.ok() && result.exitCode() != 9) {
            throw new StackException("Cannot create the user " + SERVICE_USER + " (useradd exit code " + result.exitCode()
                    + "): " + result.output());
        }
    }

    private void checkReadableByServiceUser(final Jdk jdk) throws IOException {
        if (!traversableByOthers(jdk.home())
                || !Files.getPosixFilePermissions(jdk.javaExecutable().toRealPath()).contains(PosixFilePermission.OTHERS_EXECUTE)) {
            throw new StackException("The JDK " + jdk.home() + " cannot be used by user " + SERVICE_USER
                    + ": choose a JDK 21+ that every user can read (for example under /usr/lib/jvm) with JAVA_HOME.");
        }
    }

    /** Absolute path of a system tool: {@code PATH} may lack {@code /usr/sbin} (cron, some sudo setups). */
    private static String executable(final String name) {
        for (final String folder : List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin")) {
            final Path candidate = Path.of(folder, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return name;
    }

    static boolean isRoot() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (final IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }
}
