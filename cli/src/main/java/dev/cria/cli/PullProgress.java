package dev.cria.cli;

import dev.cria.hub.DownloadListener;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A download's progress on stderr: on a terminal one line redrawn in place (bytes, rate, time
 * left), elsewhere (a log, a Kubernetes init container) a plain line every {@link #PLAIN_EVERY_NANOS}.
 */
final class PullProgress implements DownloadListener, AutoCloseable {
    static final long PLAIN_EVERY_NANOS = 10_000_000_000L;
    private static final long REDRAW_EVERY_NANOS = 100_000_000L;

    private final PrintStream err;
    private final boolean terminal;
    private long startNanos;
    private long startBytes;
    private long lastPrint;
    private boolean lineOpen;
    private boolean verified;

    PullProgress(PrintStream err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    static PullProgress onStderr() {
        // System.console() is null when stdin or stdout is redirected; isTerminal() says whether it is a real one.
        var console = System.console();
        return new PullProgress(System.err, console != null && console.isTerminal());
    }

    @Override
    public void started(String file, long have, long size) {
        startNanos = System.nanoTime();
        startBytes = have;
        verified = false;
        lastPrint = startNanos;
        if (terminal) {
            draw(file, have, size);
        } else {
            err.println("cria: pulling " + file + " (" + bytes(size) + (have > 0 ? ", resuming at " + bytes(have) : "") + ")");
        }
    }

    @Override
    public void progressed(String file, long have, long size) {
        long now = System.nanoTime();
        if (now - lastPrint < (terminal ? REDRAW_EVERY_NANOS : PLAIN_EVERY_NANOS)) return;
        lastPrint = now;
        if (terminal) draw(file, have, size);
        else err.println("cria: " + status(file, have, size, now));
    }

    @Override
    public void retrying(String file, long have, String why) {
        endLine();
        err.println("cria: " + file + ": the connection broke off at " + bytes(have) + " (" + why + "); resuming");
    }

    @Override
    public void verified(String file, String sha256) {
        verified = true;
    }

    @Override
    public void finished(String file, long size, boolean cached) {
        if (cached) {
            endLine();
            err.println("cria: " + file + " is in the cache already");
            return;
        }
        double seconds = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
        if (terminal) draw(file, size, size);
        endLine();
        err.println("cria: " + file + ": " + bytes(size) + " in " + duration(seconds) + " (" + bytes((long) ((size - startBytes) / seconds))
                + "/s)" + (verified ? ", SHA-256 verified" : ""));
    }

    @Override
    public void warning(String message) {
        endLine();
        err.println("cria: warning: " + message);
    }

    /** Ends a half-drawn line, so that an error printed next starts on its own. */
    @Override
    public void close() {
        endLine();
    }

    private void draw(String file, long have, long size) {
        err.print("\r\033[K" + status(file, have, size, System.nanoTime()));
        err.flush();
        lineOpen = true;
    }

    private void endLine() {
        if (lineOpen) err.println();
        lineOpen = false;
    }

    /** "FILE  45% 540.0 MB of 1.2 GB, 30.1 MB/s, 18 s left". */
    String status(String file, long have, long size, long nowNanos) {
        double seconds = (nowNanos - startNanos) / 1e9;
        double rate = seconds > 0 ? (have - startBytes) / seconds : 0;
        StringBuilder b = new StringBuilder(file).append("  ");
        if (size > 0) b.append(String.format(Locale.ROOT, "%3d%% ", (int) (100 * have / size)));
        b.append(bytes(have));
        if (size > 0) b.append(" of ").append(bytes(size));
        if (rate > 0) {
            b.append(", ").append(bytes((long) rate)).append("/s");
            if (size > have) b.append(", ").append(duration((size - have) / rate)).append(" left");
        }
        return b.toString();
    }

    /** Decimal units, as the Hub's pages and huggingface-cli show sizes. */
    static String bytes(long n) {
        if (n < 0) return "? bytes";
        if (n < 1000) return n + " B";
        String[] units = {"kB", "MB", "GB", "TB"};
        double v = n;
        int u = -1;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) return s + " s";
        if (s < 3600) return (s / 60) + " min " + (s % 60) + " s";
        return (s / 3600) + " h " + (s % 3600 / 60) + " min";
    }
}
