package dev.restoreguard.infra.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreesTest {

    @TempDir
    Path temp;

    @Test
    void shouldUnpackWithoutTheTopFolderAndKeepExecutableScripts() throws IOException {
        final Path zip = temp.resolve("dist.zip");
        try (FileSystem fs = FileSystems.newFileSystem(URI.create("jar:" + zip.toUri()),
                Map.of("create", "true", "enablePosixFileAttributes", "true"))) {
            Files.createDirectories(fs.getPath("/dist-1.0/bin"));
            Files.createDirectories(fs.getPath("/dist-1.0/config"));
            write(fs.getPath("/dist-1.0/bin/start"), "#!/bin/sh\n");
            Files.setPosixFilePermissions(fs.getPath("/dist-1.0/bin/start"), PosixFilePermissions.fromString("rwxr-xr-x"));
            write(fs.getPath("/dist-1.0/config/app.yml"), "a: 1\n");
            Files.setPosixFilePermissions(fs.getPath("/dist-1.0/config/app.yml"), PosixFilePermissions.fromString("rw-r--r--"));
        }
        final Path target = temp.resolve("unpacked");

        FileTrees.unzip(zip, target);

        assertThat(target.resolve("bin/start")).hasContent("#!/bin/sh");
        assertThat(Files.getPosixFilePermissions(target.resolve("bin/start"))).contains(PosixFilePermission.OWNER_EXECUTE);
        assertThat(Files.getPosixFilePermissions(target.resolve("config/app.yml")))
                .doesNotContain(PosixFilePermission.OWNER_EXECUTE);
    }

    @Test
    void shouldDeleteATreeAndAcceptAMissingOne() throws IOException {
        final Path tree = temp.resolve("tree");
        Files.createDirectories(tree.resolve("a/b"));
        Files.writeString(tree.resolve("a/b/file"), "x");

        FileTrees.delete(tree);
        FileTrees.delete(tree);

        assertThat(tree).doesNotExist();
    }

    private static void write(final Path path, final String text) throws IOException {
        try (OutputStream out = Files.newOutputStream(path)) {
            out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }
}
