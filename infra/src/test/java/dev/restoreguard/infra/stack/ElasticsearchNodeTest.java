package dev.restoreguard.infra.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ElasticsearchNodeTest {

    @TempDir
    Path temp;

    @Test
    void shouldSeeAPrivateParentFolderAsNotTraversable() throws IOException {
        final Path privateFolder = Files.createDirectories(temp.resolve("private"));
        final Path home = Files.createDirectories(privateFolder.resolve(".restoreguard"));
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(privateFolder, PosixFilePermissions.fromString("rwx------"));

        assertThat(ElasticsearchNode.traversableByOthers(home)).isFalse();
        Files.setPosixFilePermissions(privateFolder, PosixFilePermissions.fromString("rwx--x--x"));
        assertThat(ElasticsearchNode.traversableByOthers(home)).isEqualTo(ElasticsearchNode.traversableByOthers(temp));
    }

    @Test
    void shouldGiveEachHomeItsOwnStableRelocatedFolder() {
        final String first = ElasticsearchNode.relocatedName(Path.of("/root/.restoreguard"));

        assertThat(first).matches("restoreguard-[0-9a-f]{8}");
        assertThat(ElasticsearchNode.relocatedName(Path.of("/root/.restoreguard"))).isEqualTo(first);
        assertThat(ElasticsearchNode.relocatedName(Path.of("/home/dev/.restoreguard"))).isNotEqualTo(first);
    }
}
