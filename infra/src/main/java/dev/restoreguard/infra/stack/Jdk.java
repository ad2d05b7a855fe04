package dev.restoreguard.infra.stack;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A JDK installation that the stack can launch child JVMs with.
 *
 * @param home         the JDK's home folder (the one holding {@code bin/java})
 * @param majorVersion the feature release, for example {@code 25}
 * @param version      the full version string from the JDK's {@code release} file
 */
public record Jdk(Path home, int majorVersion, String version) {

    public Jdk {
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(version, "version");
    }

    /** The {@code java} launcher of this JDK. */
    public Path javaExecutable() {
        return home.resolve("bin").resolve("java");
    }

    @Override
    public String toString() {
        return home + " (" + version + ")";
    }
}
