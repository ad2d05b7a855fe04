package dev.restoreguard.infra.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdkFinderTest {

    @TempDir
    Path jvms;

    @Test
    void shouldPreferJavaHomeWhenItIs21OrNewer() throws IOException {
        final Path javaHome = fakeJdk("custom-21", "21.0.7");
        fakeJdk("temurin-25", "25.0.3");

        final Jdk jdk = new JdkFinder(Optional.of(javaHome), jvms, Optional.empty()).find();

        assertThat(jdk.home()).isEqualTo(javaHome);
        assertThat(jdk.majorVersion()).isEqualTo(21);
    }

    @Test
    void shouldPickTheNewestInstalledJdkWhenJavaHomeIsTooOld() throws IOException {
        final Path java17 = fakeJdk("java-17-openjdk-amd64", "17.0.15");
        fakeJdk("temurin-21", "21.0.7");
        final Path java25 = fakeJdk("temurin-25-jdk-amd64", "25.0.3");

        final Jdk jdk = new JdkFinder(Optional.of(java17), jvms, Optional.empty()).find();

        assertThat(jdk.home()).isEqualTo(java25);
        assertThat(jdk.version()).isEqualTo("25.0.3");
    }

    @Test
    void shouldExplainWhereItLookedWhenThereIsNoJdk21() throws IOException {
        final Path java17 = fakeJdk("java-17-openjdk-amd64", "17.0.15");

        assertThatThrownBy(() -> new JdkFinder(Optional.of(java17), jvms, Optional.empty()).find())
                .isInstanceOf(StackException.class)
                .hasMessageContaining("No JDK 21+")
                .hasMessageContaining(java17.toString())
                .hasMessageContaining("17.0.15");
    }

    @Test
    void shouldIgnoreFoldersThatAreNotJdks() throws IOException {
        Files.createDirectories(jvms.resolve("not-a-jdk"));
        final Path java21 = fakeJdk("temurin-21", "21.0.7");

        assertThat(new JdkFinder(Optional.empty(), jvms, Optional.empty()).find().home()).isEqualTo(java21);
    }

    @Test
    void shouldParseOldAndNewVersionSchemes() {
        assertThat(JdkFinder.parseMajor("25.0.3")).contains(25);
        assertThat(JdkFinder.parseMajor("21")).contains(21);
        assertThat(JdkFinder.parseMajor("1.8.0_412")).contains(8);
        assertThat(JdkFinder.parseMajor("garbage")).isEmpty();
    }

    private Path fakeJdk(final String name, final String version) throws IOException {
        final Path home = jvms.resolve(name);
        Files.createDirectories(home.resolve("bin"));
        final Path java = Files.writeString(home.resolve("bin").resolve("java"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + version + "\"\n");
        return home;
    }
}
