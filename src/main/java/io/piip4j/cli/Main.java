package io.piip4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code piip}: the command line of piip4j. */
@Command(name = "piip", mixinStandardHelpOptions = true, versionProvider = BuildVersion.class,
        description = "Parameter-Inverted Image Pyramid Networks on the JVM.",
        footer = {"", "'piip help COMMAND' or 'piip COMMAND --help' describes a command.",
            "Example: piip classify examples/fashion-mnist-ankle-boot.png"},
        subcommands = {CommandLine.HelpCommand.class, ForwardCommand.class, ClassifyCommand.class, InfoCommand.class, TrainCommand.class, InitCommand.class,
            CurvesCommand.class, ZooCommand.class, FetchCommand.class, BenchCommand.class, DetectCommand.class, CocoEvalCommand.class, SegEvalCommand.class, EvalCommand.class, MakeShapesCommand.class, SegmentCommand.class,
            ChatCommand.class})
public final class Main implements java.util.concurrent.Callable<Integer> {

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT, description = "Show stack traces on errors.")
    boolean verbose;

    /** {@code piip} without a command: the commands, on stderr, and the usage-error exit code. */
    @Override
    public Integer call() {
        new CommandLine(this).usage(System.err);
        return 2;
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (0 ok, 1 failure, 2 usage error). */
    public static int run(String... args) {
        boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            boolean usage = e instanceof UsageException;
            if (verbose) {
                e.printStackTrace(cmd.getErr());
            } else {
                cmd.getErr().println("piip: " + Errors.oneLine(e) + (usage ? " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')" : ""));
            }
            return usage ? 2 : 1;
        });
        cli.setParameterExceptionHandler((e, a) -> {
            CommandLine cmd = e.getCommandLine();
            cmd.getErr().println("piip: " + e.getMessage() + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
            return 2;
        });
        return cli.execute(args);
    }
}
