package dev.restoreguard.cli;

import dev.restoreguard.sinks.SinkException;
import dev.restoreguard.sinks.service.HealthServer;
import dev.restoreguard.sinks.service.SinkService;
import java.io.IOException;
import java.io.PrintWriter;

/** Runs a {@link SinkService} in the foreground with its health endpoint until Ctrl-C; shared by the sink commands. */
final class SinkServiceRunner {

    private SinkServiceRunner() {
    }

    /** Exit code when the service stops by itself: 1 when it could not start or a loop died (Ctrl-C ends the JVM with 130). */
    static int run(final SinkService service, final int httpPort, final PrintWriter out, final PrintWriter err)
            throws InterruptedException {
        final Thread hook = new Thread(service::close, "restoreguard-sink-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        HealthServer http = null;
        try {
            try {
                service.start();
            } catch (SinkException e) {
                err.println("the " + service.name() + " sink could not start: " + e.getMessage());
                err.flush();
                return 1;
            }
            if (httpPort > 0) {
                try {
                    http = new HealthServer("127.0.0.1", httpPort, service);
                } catch (IOException e) {
                    err.println("cannot serve health on 127.0.0.1:" + httpPort + ": " + e.getMessage());
                    err.flush();
                    return 1;
                }
            }
            out.println("Sink " + service.name() + " running" + (http == null ? "" : "; http://127.0.0.1:" + http.port()
                    + "/health/live, /health/ready, /metrics") + ". Ctrl-C stops it.");
            out.flush();
            service.awaitTermination();
            if (service.failed()) {
                err.println("a sink loop stopped after a fatal error (see the log); restart the service:\n" + service.describe());
                err.flush();
                return 1;
            }
            return 0;
        } finally {
            if (http != null) {
                http.close();
            }
            service.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down (Ctrl-C): the hook closes the service; close() is idempotent
            }
        }
    }
}
