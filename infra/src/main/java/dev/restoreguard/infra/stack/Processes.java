package dev.restoreguard.infra.stack;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Process, pid-file, port and log helpers shared by the two components. Linux first: process
 * command lines come from {@code /proc}, detaching uses {@code setsid}.
 */
final class Processes {

    private static final Logger LOGGER = LoggerFactory.getLogger(Processes.class);
    private static final Path SETSID = Path.of("/usr/bin/setsid");
    private static final int TAIL_BYTES = 8 * 1024;
    private static final int TAIL_LINES = 30;

    private Processes() {
    }

    /**
     * Starts {@code command} so that it outlives this JVM: its own session (no SIGHUP when the
     * terminal that ran {@code stack up} closes), stdin from {@code /dev/null}, output appended to
     * {@code log}. {@code setsid} execs in place when the caller is not a group leader, so the pid
     * of the returned process is the pid of {@code command}.
     */
    static Process startDetached(final List<String> command, final Path workDir, final Path log,
            final Map<String, String> environment) throws IOException {
        final List<String> full = new ArrayList<>();
        if (Files.isExecutable(SETSID)) {
            full.add(SETSID.toString());
        }
        full.addAll(command);
        final ProcessBuilder builder = new ProcessBuilder(full)
                .directory(workDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        LOGGER.atDebug().addKeyValue("command", full).log("Starting process");
        return builder.start();
    }

    /** Reads a pid file; empty when it is missing or unreadable. */
    static OptionalLong readPid(final Path pidFile) {
        try {
            final String text = Files.readString(pidFile, StandardCharsets.US_ASCII).trim();
            return text.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(text));
        } catch (final IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    static void writePid(final Path pidFile, final long pid) throws IOException {
        Files.writeString(pidFile, pid + "\n", StandardCharsets.US_ASCII);
    }

    /**
     * The live process whose pid is in {@code pidFile} and whose command line contains
     * {@code marker}. The marker check keeps a recycled pid (after a reboot, say) from being taken
     * for our server and, worse, from being killed by {@code down}.
     */
    static Optional<ProcessHandle> liveProcess(final Path pidFile, final String marker) {
        final OptionalLong pid = readPid(pidFile);
        if (pid.isEmpty()) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid.getAsLong())
                .filter(ProcessHandle::isAlive)
                .filter(handle -> commandLine(handle).contains(marker));
    }

    /** The full command line of a process, NUL separators turned into spaces. */
    static String commandLine(final ProcessHandle handle) {
        final Path proc = Path.of("/proc", Long.toString(handle.pid()), "cmdline");
        try {
            return new String(Files.readAllBytes(proc), StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (final IOException e) {
            // Not Linux, or the process is gone: fall back to what the JDK can tell.
            return handle.info().commandLine().orElse("");
        }
    }

    /**
     * Sends SIGTERM, waits up to {@code timeout}, then SIGKILL. Returns whether the process had to
     * be killed.
     */
    static boolean stop(final ProcessHandle handle, final Duration timeout) {
        if (!handle.isAlive()) {
            return false;
        }
        handle.destroy();
        if (waitForExit(handle, timeout)) {
            return false;
        }
        LOGGER.atWarn().addKeyValue("pid", handle.pid()).addKeyValue("timeout", timeout)
                .log("Process ignored SIGTERM; sending SIGKILL");
        handle.destroyForcibly();
        waitForExit(handle, Duration.ofSeconds(10));
        return true;
    }

    static boolean waitForExit(final ProcessHandle handle, final Duration timeout) {
        try {
            handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (final java.util.concurrent.TimeoutException e) {
            return !handle.isAlive();
        } catch (final java.util.concurrent.ExecutionException e) {
            return !handle.isAlive();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return !handle.isAlive();
        }
    }

    /** Kills a process tree bottom-up, used when a start fails half-way. */
    static void killTree(final ProcessHandle root) {
        root.descendants().forEach(ProcessHandle::destroyForcibly);
        root.destroyForcibly();
    }

    /** Whether something accepts TCP connections on 127.0.0.1:{@code port}. */
    static boolean accepting(final int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (final IOException e) {
            return false;
        }
    }

    /**
     * Whether 127.0.0.1:{@code port} can be bound. SO_REUSEADDR mirrors what the servers do, so
     * sockets in TIME_WAIT from a previous run do not count as taken.
     */
    static boolean bindable(final int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (final IOException e) {
            return false;
        }
    }

    /** The last few KiB of a log file, or a note that there is none. */
    static String tail(final Path log) {
        if (!Files.isRegularFile(log)) {
            return "(no log at " + log + ")";
        }
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            final long length = file.length();
            final long start = Math.max(0, length - TAIL_BYTES);
            final byte[] bytes = new byte[(int) (length - start)];
            file.seek(start);
            file.readFully(bytes);
            String text = new String(bytes, StandardCharsets.UTF_8);
            if (start > 0 && text.indexOf('\n') >= 0) {
                text = text.substring(text.indexOf('\n') + 1);
            }
            final List<String> lines = List.of(text.stripTrailing().split("\n"));
            return "--- last lines of " + log + " ---\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
        } catch (final IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** Sleeps a poll interval; false when interrupted (the caller gives up). */
    static boolean pause(final Duration interval) {
        try {
            Thread.sleep(interval);
            return true;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs a short command to completion and returns its exit code and output. */
    static CommandResult run(final List<String> command, final Duration timeout) throws IOException {
        return run(command, Map.of(), timeout);
    }

    /**
     * Runs a short command with extra environment variables (secrets go there, not on the command
     * line) to completion and returns its exit code and output.
     */
    static CommandResult run(final List<String> command, final Map<String, String> env, final Duration timeout)
            throws IOException {
        return run(command, env, "", timeout);
    }

    /** {@link #run(List, Map, Duration)} with {@code input} on the command's standard input (a password prompt). */
    static CommandResult run(final List<String> command, final Map<String, String> env, final String input,
                             final Duration timeout) throws IOException {
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        final Process process = builder.start();
        try (var stdin = process.getOutputStream()) {
            stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
        try {
            final byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException("timed out after " + timeout + ": " + describe(command));
            }
            return new CommandResult(process.exitValue(), new String(output, StandardCharsets.UTF_8).strip());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted: " + describe(command), e);
        }
    }

    /** The program and how many arguments it got: arguments may hold secrets (a SCRAM password) that must not reach a log. */
    private static String describe(final List<String> command) {
        return command.getFirst() + (command.size() > 1 ? " ... (" + (command.size() - 1) + " arguments)" : "");
    }

    /** Exit code and combined output of a finished command. */
    record CommandResult(int exitCode, String output) {
        boolean ok() {
            return exitCode == 0;
        }
    }
}
