package dev.cria.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code java -jar cria.jar} without {@code --add-modules jdk.incubator.vector}: the Vector API is an
 * incubator module, which only the command line can add (a manifest cannot), so cria starts the same
 * java again with {@link JvmOptions} and waits for it. The child shares the terminal (stdin, stdout,
 * and Ctrl-C, which the parent ignores: the child's chat stops an answer on it), gets the SIGTERM the
 * parent is sent, and its stderr passes through minus the JVM's "Using incubator modules" line. The
 * child's exit code is ours.
 */
final class VectorRelaunch {
    static final String VECTOR_MODULE = "jdk.incubator.vector";
    /** Set in the child: if the module is still missing there, fail instead of relaunching again. */
    static final String MARKER = "CRIA_RELAUNCHED";
    private static final String INCUBATOR_WARNING = "WARNING: Using incubator modules";

    private VectorRelaunch() {
    }

    static boolean needed() {
        return ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty();
    }

    /** The child's command line: this java, cria's options, the options this JVM was given, this class path, Main. */
    static List<String> command(String javaHome, List<String> inputArguments, String classPath, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(javaHome, "bin", "java").toString());
        cmd.addAll(JvmOptions.all());
        cmd.addAll(inputArguments);
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        return cmd;
    }

    static int run(String... args) {
        if (System.getenv(MARKER) != null) {
            System.err.println("cria: this java has no " + VECTOR_MODULE + " module even with --add-modules; use a full JDK 25.");
            return 1;
        }
        ProcessBuilder pb = new ProcessBuilder(command(System.getProperty("java.home"),
                ManagementFactory.getRuntimeMXBean().getInputArguments(), System.getProperty("java.class.path"), args));
        pb.environment().put(MARKER, "1");
        pb.redirectInput(ProcessBuilder.Redirect.INHERIT).redirectOutput(ProcessBuilder.Redirect.INHERIT);
        try {
            Process child = pb.start();
            forwardSignals(child);
            Thread copier = Thread.ofPlatform().daemon().start(() -> copyWithoutWarning(child.getErrorStream(), System.err));
            int code = child.waitFor();
            copier.join(1000);
            return code;
        } catch (IOException e) {
            System.err.println("cria: could not start " + pb.command().getFirst() + ": " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /**
     * A terminal's Ctrl-C reaches the whole process group: the child acts on it (chat stops an
     * answer, serve drains), so this JVM ignores it. A SIGTERM sent to this JVM alone (a service
     * manager, a container stop) is passed on; the child's exit code then is still ours.
     */
    @SuppressWarnings("removal")
    private static void forwardSignals(Process child) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> { });
            // ProcessHandle.destroy sends the signal only; Process.destroy would also close the pipe the
            // child still writes its last lines to.
            sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> child.toHandle().destroy());
        } catch (IllegalArgumentException e) {
            // a platform without these signals: the JVM's defaults stay
        }
    }

    /**
     * Copies bytes as they come (progress lines ending in \r stay live), dropping a first line that is
     * the incubator warning: bytes are held back only while they still match its start.
     */
    static void copyWithoutWarning(InputStream in, OutputStream out) {
        byte[] warning = INCUBATOR_WARNING.getBytes(StandardCharsets.US_ASCII);
        try {
            int matched = 0;
            int b;
            while (matched < warning.length && (b = in.read()) >= 0) {
                if (b == warning[matched]) {
                    matched++;
                    continue;
                }
                out.write(warning, 0, matched);
                out.write(b);
                matched = -1;
                break;
            }
            if (matched == warning.length) {
                while ((b = in.read()) >= 0 && b != '\n') { }
            }
            out.flush();
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // the child's stderr closed: nothing more to copy
        }
    }
}
