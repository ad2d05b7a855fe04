package dev.restoreguard.infra.stack;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/** Recursive delete, chown and unzip for the stack's folders. */
final class FileTrees {

    private FileTrees() {
    }

    /** Deletes {@code root} and everything below it; a missing folder is fine. */
    static void delete(final Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(final Path file, final BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(final Path folder, final IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                Files.delete(folder);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Gives {@code root} and everything below it to {@code user} (and its group of the same name). */
    static void chown(final Path root, final String user) throws IOException {
        final UserPrincipalLookupService lookup = root.getFileSystem().getUserPrincipalLookupService();
        final UserPrincipal owner = lookup.lookupPrincipalByName(user);
        GroupPrincipal group;
        try {
            group = lookup.lookupPrincipalByGroupName(user);
        } catch (final IOException e) {
            group = null;
        }
        final GroupPrincipal ownerGroup = group;
        try (Stream<Path> paths = Files.walk(root)) {
            for (final Path path : (Iterable<Path>) paths::iterator) {
                final PosixFileAttributeView view =
                        Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
                view.setOwner(owner);
                if (ownerGroup != null) {
                    view.setGroup(ownerGroup);
                }
            }
        }
    }

    /**
     * Unpacks {@code zip} into {@code target}, dropping the archive's single top-level folder and
     * keeping the Unix permissions stored in the archive (the scripts under {@code bin/} must stay
     * executable). The zip file system exposes them when asked for POSIX attributes.
     */
    static void unzip(final Path zip, final Path target) throws IOException {
        final URI uri = URI.create("jar:" + zip.toUri());
        try (FileSystem fs = FileSystems.newFileSystem(uri, Map.of("enablePosixFileAttributes", "true"))) {
            final Path root = singleTopFolder(fs.getPath("/"));
            try (Stream<Path> entries = Files.walk(root)) {
                for (final Path entry : (Iterable<Path>) entries::iterator) {
                    final Path relative = root.relativize(entry);
                    final Path destination = target.resolve(relative.toString()).normalize();
                    if (!destination.startsWith(target)) {
                        throw new IOException("Archive entry escapes the target folder: " + entry);
                    }
                    if (Files.isDirectory(entry)) {
                        Files.createDirectories(destination);
                    } else {
                        Files.createDirectories(destination.getParent());
                        Files.copy(entry, destination, StandardCopyOption.REPLACE_EXISTING);
                        applyPermissions(entry, destination);
                    }
                }
            }
        }
    }

    private static Path singleTopFolder(final Path root) throws IOException {
        try (Stream<Path> children = Files.list(root)) {
            final var list = children.toList();
            return list.size() == 1 && Files.isDirectory(list.get(0)) ? list.get(0) : root;
        }
    }

    private static void applyPermissions(final Path entry, final Path destination) throws IOException {
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(entry);
        } catch (final UnsupportedOperationException | IOException e) {
            permissions = Set.of();
        }
        if (permissions.isEmpty()) {
            // Entries written without Unix attributes: readable, and executable only under bin/.
            permissions = destination.getParent().getFileName().toString().equals("bin")
                    ? java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x")
                    : java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--");
        }
        Files.setPosixFilePermissions(destination, permissions);
    }
}
