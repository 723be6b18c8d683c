package dev.cria.cli;

import dev.cria.loader.LoadPhase;
import dev.cria.loader.LoadProgress;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * What chat, serve, generate and bench show on stderr while a model loads, so a load of seconds is
 * not a blank screen: on a terminal one {@link ByteProgressLine} redrawn through the loader's phases
 * ("loading 1b-Q4_0.gguf: interleaving rows  45% 316.4 MB of 703.2 MB, 1.2 GB/s, 1 s left"), which the
 * verdict replaces; elsewhere a plain line at the start, at each phase and at the end.
 */
final class LoadProgressBar implements LoadProgress, AutoCloseable {
    private final PrintStream err;
    private final ByteProgressLine line;
    private final LongSupplier nanoClock;
    private final long startNanos;
    private final String loading;
    private LoadPhase phase;

    /** Starts the bar at once: "loading WHAT (SIZE)", the size left out where {@code diskBytes} is negative. */
    LoadProgressBar(String what, long diskBytes, PrintStream err, boolean terminal, LongSupplier nanoClock) {
        this.err = err;
        this.line = new ByteProgressLine(err, terminal, nanoClock);
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
        this.loading = "loading " + what;
        String start = diskBytes < 0 ? loading : loading + " (" + ByteProgressLine.bytes(diskBytes) + ")";
        if (terminal) line.draw(start + " …");
        else err.println("cria: " + start);
    }

    /** The bar of loading {@code model}, a file or a folder. */
    static LoadProgressBar onStderr(Path model) {
        return onStderr(String.valueOf(model.getFileName()), diskBytes(model));
    }

    static LoadProgressBar onStderr(String what, long diskBytes) {
        return new LoadProgressBar(what, diskBytes, new PrintStream(System.err, true, StandardCharsets.UTF_8),
                ByteProgressLine.stderrIsTerminal(), System::nanoTime);
    }

    @Override
    public void progressed(LoadPhase phase, long done, long total) {
        String label = loading + ": " + phase.label();
        if (phase == this.phase) {
            line.progressed(label, done, total);
            return;
        }
        this.phase = phase;
        line.restart(done);
        if (line.terminal()) line.draw(total > 0 ? line.status(label, done, total) : label + " …");
        else err.println("cria: " + label + (total > 0 ? " (" + ByteProgressLine.bytes(total) + ")" : ""));
    }

    /** A line of its own while the load goes on (a server's "listening on"), below the bar on a terminal. */
    void println(String text) {
        line.println(text);
    }

    /** "loaded NAME in 2.1 s (context 8192)", the seconds since the load started. */
    String loaded(String name, String detail) {
        return String.format(Locale.ROOT, "loaded %s in %.1f s%s", name, (nanoClock.getAsLong() - startNanos) / 1e9,
                detail.isEmpty() ? "" : " (" + detail + ")");
    }

    /** Ends the load with {@code verdict}, which replaces the bar on a terminal. */
    void finished(String verdict) {
        line.clearLine();
        err.println(verdict);
    }

    /** Ends the line without a verdict (a failed load prints its own error after it). */
    @Override
    public void close() {
        line.clearLine();
    }

    /** The model's size on disk: the file, or a folder's files; -1 if unreadable. */
    static long diskBytes(Path model) {
        try (Stream<Path> files = Files.isDirectory(model) ? Files.walk(model) : Stream.of(model)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
    }
}
