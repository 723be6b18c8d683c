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
        if (VectorRelaunch.needed()) System.exit(VectorRelaunch.run(args));
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
        cl.addSubcommand(new PullCommand());
        cl.addSubcommand(new ListCommand());
        cl.addSubcommand(new RemoveCommand());
        // A usage error is one line naming the problem (exit 2), not the whole help text.
        cl.setParameterExceptionHandler((ex, ignoredArgs) -> {
            CommandLine bad = ex.getCommandLine();
            bad.getErr().println(bad.getCommandName().equals("cria") ? "cria: " + ex.getMessage()
                    : "cria " + bad.getCommandName() + ": " + ex.getMessage() + " (see cria " + bad.getCommandName() + " --help)");
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("cria: " + oneLine(ex.getMessage() == null ? ex.toString() : ex.getMessage()));
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

    /**
     * An error message as the one line a script expects: control characters (a newline, an escape
     * sequence) printed as {@code \}{@code uXXXX}. Loader messages quote file text escaped already
     * ({@link dev.cria.util.ModelFormatException#quote}); this guards every other message.
     */
    static String oneLine(String message) {
        StringBuilder b = new StringBuilder(message.length());
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            if (Character.isISOControl(c)) b.append(String.format("\\u%04X", (int) c));
            else b.append(c);
        }
        return b.toString();
    }

    /** The subcommands that run a model, and so warn when the CPU cannot run the kernels at speed. */
    private static final Set<String> MODEL_COMMANDS = Set.of("generate", "bench", "serve", "chat", "bench-serve");

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }
}
