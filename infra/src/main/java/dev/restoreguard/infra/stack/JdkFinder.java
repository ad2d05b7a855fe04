package dev.restoreguard.infra.stack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a JDK 21+ for the child JVMs: {@code JAVA_HOME} if it is recent enough, else the newest
 * JDK 21+ under {@code /usr/lib/jvm}, else the JVM that runs this code. The default {@code java}
 * of a machine may be older (Debian 12 ships 17) while Elasticsearch 9 needs 21.
 */
public final class JdkFinder {

    /** The oldest feature release the stack accepts (Elasticsearch 9's minimum). */
    public static final int MINIMUM_MAJOR = 21;

    private static final Logger LOGGER = LoggerFactory.getLogger(JdkFinder.class);

    private final Optional<Path> javaHome;
    private final Path jvmDirectory;
    private final Optional<Path> currentRuntime;

    /** A finder for this machine: the {@code JAVA_HOME} variable, {@code /usr/lib/jvm}, this JVM. */
    public JdkFinder() {
        this(Optional.ofNullable(System.getenv("JAVA_HOME")).filter(s -> !s.isBlank()).map(Path::of),
                Path.of("/usr/lib/jvm"),
                Optional.of(Path.of(System.getProperty("java.home"))));
    }

    /** A finder with explicit places to look (tests use temporary folders). */
    public JdkFinder(final Optional<Path> javaHome, final Path jvmDirectory, final Optional<Path> currentRuntime) {
        this.javaHome = javaHome;
        this.jvmDirectory = jvmDirectory;
        this.currentRuntime = currentRuntime;
    }

    /**
     * The JDK to use.
     *
     * @throws StackException naming every place looked at when there is no JDK 21+
     */
    public Jdk find() {
        final Optional<Jdk> fromJavaHome = javaHome.flatMap(JdkFinder::inspect);
        if (fromJavaHome.isPresent() && fromJavaHome.get().majorVersion() >= MINIMUM_MAJOR) {
            return fromJavaHome.get();
        }
        fromJavaHome.ifPresent(jdk -> LOGGER.atDebug().addKeyValue("javaHome", jdk.home())
                .log("JAVA_HOME is older than {}; looking in {}", MINIMUM_MAJOR, jvmDirectory));
        final Optional<Jdk> newestInstalled = installed().stream()
                .filter(jdk -> jdk.majorVersion() >= MINIMUM_MAJOR)
                .max(Comparator.comparingInt(Jdk::majorVersion).thenComparing(jdk -> jdk.home().toString()));
        if (newestInstalled.isPresent()) {
            return newestInstalled.get();
        }
        return currentRuntime.flatMap(JdkFinder::inspect)
                .filter(jdk -> jdk.majorVersion() >= MINIMUM_MAJOR)
                .orElseThrow(() -> new StackException("No JDK " + MINIMUM_MAJOR + "+ found: JAVA_HOME is "
                        + javaHome.map(Path::toString).orElse("unset") + fromJavaHome.map(j -> " (" + j.version() + ")").orElse("")
                        + " and " + jvmDirectory + " holds none. Install one (for example Temurin 21 or 25) and set JAVA_HOME."));
    }

    /** Every JDK (with {@code bin/java} and a {@code release} file) directly under the JVM folder. */
    List<Jdk> installed() {
        if (!Files.isDirectory(jvmDirectory)) {
            return List.of();
        }
        final List<Jdk> jdks = new ArrayList<>();
        try (Stream<Path> children = Files.list(jvmDirectory)) {
            // Debian adds symlinks (default-java, java-1.17.0-openjdk-amd64) beside the real folders;
            // duplicates are harmless because only the newest is used.
            children.sorted().forEach(child -> inspect(child).ifPresent(jdks::add));
        } catch (final IOException e) {
            LOGGER.atWarn().addKeyValue("folder", jvmDirectory).setCause(e).log("Cannot list JDKs");
        }
        return jdks;
    }

    /** Reads a JDK's {@code release} file; empty when {@code home} is not a JDK. */
    static Optional<Jdk> inspect(final Path home) {
        final Path release = home.resolve("release");
        if (!Files.isRegularFile(release) || !Files.isExecutable(home.resolve("bin").resolve("java"))) {
            return Optional.empty();
        }
        final Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(release)) {
            properties.load(in);
        } catch (final IOException e) {
            return Optional.empty();
        }
        final String version = unquote(properties.getProperty("JAVA_VERSION", ""));
        return parseMajor(version).map(major -> new Jdk(home, major, version));
    }

    /** {@code "25.0.3"} gives 25, {@code "1.8.0_412"} gives 8. */
    static Optional<Integer> parseMajor(final String version) {
        final String[] parts = version.split("[.+_-]");
        try {
            final int first = Integer.parseInt(parts[0]);
            return Optional.of(first == 1 && parts.length > 1 ? Integer.parseInt(parts[1]) : first);
        } catch (final NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String unquote(final String value) {
        final String trimmed = value.trim();
        return trimmed.length() >= 2 && trimmed.startsWith("\"") && trimmed.endsWith("\"")
                ? trimmed.substring(1, trimmed.length() - 1)
                : trimmed;
    }
}
