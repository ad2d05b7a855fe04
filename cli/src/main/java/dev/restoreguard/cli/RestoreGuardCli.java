package dev.restoreguard.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code restoreguard} command: the entry point of the shaded CLI jar. */
@Command(name = "restoreguard",
        mixinStandardHelpOptions = true,
        description = "Detects restores aimed at production without an approved change.",
        subcommands = {UpCommand.class, StackCommand.class, ReplayCommand.class, BenchCommand.class, EngineCommand.class, CheckRestoreCommand.class, SinkCommand.class, CollectCommand.class, ConfigCommand.class, InventoryCommand.class, EmitCommand.class, ApproveCommand.class, KibanaCommand.class, KeysCommand.class, TimelineCommand.class})
public final class RestoreGuardCli {

    /** Runs the command line and exits with its exit code. */
    public static void main(final String[] args) {
        System.exit(new CommandLine(new RestoreGuardCli()).execute(args));
    }
}
