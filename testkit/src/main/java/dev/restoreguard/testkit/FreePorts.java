package dev.restoreguard.testkit;

import dev.restoreguard.infra.stack.StackSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Free loopback ports for a server a test starts on its own and must restart on the same port (a
 * broker or an Elasticsearch node of its own): ephemeral ports, never one of the stacks' ports
 * (the defaults, CI's, and this run's test stack and secure test stack).
 */
public final class FreePorts {

    /** Default ports of the test stack, CI's stack and others' stacks; a probe must never land on them. */
    private static final Set<Integer> FIXED = Set.of(19092, 19093, 19200, 28092, 28093, 28200, 37092, 37093, 37200);

    private FreePorts() {
    }

    /**
     * {@code count} distinct free loopback ports. The probe sockets are held open together so one
     * port cannot be handed out twice; they are closed before this returns, so another process may
     * still take a port before the caller binds it.
     */
    public static int[] loopback(final int count) {
        final Set<Integer> reserved = reserved();
        final List<ServerSocket> sockets = new ArrayList<>();
        try {
            final int[] ports = new int[count];
            int found = 0;
            while (found < count) {
                final ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(socket);
                if (!reserved.contains(socket.getLocalPort())) {
                    ports[found++] = socket.getLocalPort();
                }
            }
            return ports;
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot probe for free loopback ports", e);
        } finally {
            for (final ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (final IOException e) {
                    // a probe socket that does not close cleanly still frees its port with this JVM
                }
            }
        }
    }

    /** The fixed ports plus this run's test stack and secure test stack ports. */
    private static Set<Integer> reserved() {
        final Set<Integer> reserved = new HashSet<>(FIXED);
        final StackSettings stack = LocalStackExtension.settings();
        for (final int offset : new int[] {0, SecureTestStack.PORT_OFFSET}) {
            reserved.add(stack.kafkaPort() + offset);
            reserved.add(stack.controllerPort() + offset);
            reserved.add(stack.elasticsearchPort() + offset);
        }
        return reserved;
    }
}
