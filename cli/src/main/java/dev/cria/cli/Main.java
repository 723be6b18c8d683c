package dev.cria.cli;

import dev.cria.kernels.Kernels;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.Set;

/**
 * The {@code cria} command. Each subcommand is its own class; errors the user can fix print one
 * line to stderr and exit non-zero (picocli's usage errors: 2; model or runtime errors: 1).
 */
@Command(name = "cria", mixinStandardHelpOptions = true, version = "cria 0.1.0",
        description = "Pure-Java inference server for Llama 3.2 models.")
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (tests call this instead of main). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        // Subcommands: one class each.
        cl.addSubcommand(new GenerateCommand());
        cl.addSubcommand(new BenchCommand());
        cl.addSubcommand(new TokenizeCommand());
        cl.addSubcommand(new DetokenizeCommand());
        cl.addSubcommand(new SynthesizeCommand());
        cl.addSubcommand(new ServeCommand());
        cl.addSubcommand(new ChatCommand());
        cl.addSubcommand(new LoadBenchCommand());
        // A usage error is one line naming the problem (exit 2), not the whole help text.
        cl.setParameterExceptionHandler((ex, ignoredArgs) -> {
            CommandLine bad = ex.getCommandLine();
            bad.getErr().println(bad.getCommandName().equals("cria") ? "cria: " + ex.getMessage()
                    : "cria " + bad.getCommandName() + ": " + ex.getMessage() + " (see cria " + bad.getCommandName() + " --help)");
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("cria: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            return 1;
        });
        if (args.length > 0 && MODEL_COMMANDS.contains(args[0])) {
            String slow = Kernels.slowVectorWarning();
            if (slow != null) System.err.println("cria: warning: " + slow);
            String bits = Kernels.vectorBitsWarning();
            if (bits != null) System.err.println("cria: warning: " + bits);
        }
        return cl.execute(args);
    }

    /** The subcommands that run a model, and so warn when the CPU cannot run the kernels at speed. */
    private static final Set<String> MODEL_COMMANDS = Set.of("generate", "bench", "serve", "chat", "bench-serve");

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }
}
