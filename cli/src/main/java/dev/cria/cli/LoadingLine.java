package dev.cria.cli;

import dev.cria.engine.ModelInfo;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * What {@code cria chat} shows while a model loads, so a load of seconds is not a blank screen:
 * "loading FILE (SIZE) …" at once, on a terminal with the seconds counting on that line, then
 * "loaded NAME in 2.1 s (context N)". On stderr, so that stdout holds only the conversation.
 */
final class LoadingLine implements AutoCloseable {
    private static final long TICK_MILLIS = 200;

    private final PrintStream err;
    private final String loading;
    private final long started = System.nanoTime();
    private final Thread ticker;
    private volatile boolean finished;

    private LoadingLine(PrintStream err, String loading, boolean terminal) {
        this.err = err;
        this.loading = loading;
        err.print(loading);
        err.flush();
        this.ticker = terminal ? Thread.ofPlatform().daemon().name("cria-loading-line").start(this::tick) : null;
    }

    static LoadingLine start(Path model, PrintStream err, boolean terminal) {
        return new LoadingLine(err, "loading " + model.getFileName() + " (" + size(model) + ") …", terminal);
    }

    private void tick() {
        while (!finished) {
            synchronized (this) {
                if (finished) return;
                err.print("\r" + loading + " " + seconds());
                err.flush();
            }
            try {
                Thread.sleep(TICK_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Ends the line: the model is loaded. */
    void loaded(ModelInfo info) {
        end("loaded " + info.name() + " in " + seconds() + " (context " + info.contextLength() + ")");
    }

    /** Ends the line without a verdict (a failed load prints its own error after it). */
    @Override
    public void close() {
        end(null);
    }

    private synchronized void end(String verdict) {
        if (finished) return;
        finished = true;
        if (ticker != null) ticker.interrupt();
        // \r and a clear to the end of the line replace the counting line on a terminal.
        err.print(ticker == null ? "\n" : "\r\033[K");
        if (verdict != null) err.println(verdict);
        err.flush();
    }

    private String seconds() {
        return String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - started) / 1e9);
    }

    /** The model's size on disk: the file, or a folder's files. */
    static String size(Path model) {
        long bytes;
        try (Stream<Path> files = Files.isDirectory(model) ? Files.walk(model) : Stream.of(model)) {
            bytes = files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        } catch (IOException | UncheckedIOException e) {
            return "size unknown";
        }
        return bytes >= 1L << 30 ? String.format(Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30))
                : String.format(Locale.ROOT, "%d MB", Math.max(1, bytes >> 20));
    }
}
