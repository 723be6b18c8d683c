package dev.cria.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Bytes of long work on stderr, for a pull and for a load: on a terminal one line redrawn in place
 * ("LABEL  45% 540.0 MB of 1.2 GB, 30.1 MB/s, 18 s left"), elsewhere (a log, a Kubernetes init
 * container) a plain line every {@link #PLAIN_EVERY_NANOS}. Synchronized, so that other lines
 * (a server's "listening on") can be printed through it from another thread without tearing the bar.
 */
final class ByteProgressLine {
    static final long PLAIN_EVERY_NANOS = 10_000_000_000L;
    private static final long REDRAW_EVERY_NANOS = 100_000_000L;

    private final PrintStream err;
    private final boolean terminal;
    private final LongSupplier nanoClock;
    private long startNanos;
    private long startBytes;
    private long lastPrint;
    private boolean lineOpen;

    ByteProgressLine(PrintStream err, boolean terminal, LongSupplier nanoClock) {
        this.err = err;
        this.terminal = terminal;
        this.nanoClock = nanoClock;
        restart(0);
    }

    /** Whether stderr is a terminal; {@link System#console()} is null when stdin or stdout is redirected. */
    static boolean stderrIsTerminal() {
        var console = System.console();
        return console != null && console.isTerminal();
    }

    boolean terminal() {
        return terminal;
    }

    /** Rate and time left count from now and {@code have} bytes: a new file, a resumed one, a new phase. */
    synchronized void restart(long have) {
        startNanos = nanoClock.getAsLong();
        startBytes = have;
        lastPrint = startNanos;
    }

    /** Seconds since the last {@link #restart}. */
    synchronized double seconds() {
        return (nanoClock.getAsLong() - startNanos) / 1e9;
    }

    /** On a terminal a redraw at most every 100 ms; elsewhere "cria: STATUS" every 10 s. */
    synchronized void progressed(String label, long have, long size) {
        long now = nanoClock.getAsLong();
        if (now - lastPrint < (terminal ? REDRAW_EVERY_NANOS : PLAIN_EVERY_NANOS)) return;
        lastPrint = now;
        if (terminal) draw(label, have, size);
        else err.println("cria: " + status(label, have, size));
    }

    /** Redraws the terminal line now. */
    synchronized void draw(String label, long have, long size) {
        draw(status(label, have, size));
    }

    /** Redraws the terminal line with {@code text} now. */
    synchronized void draw(String text) {
        err.print("\r\033[K" + text);
        err.flush();
        lineOpen = true;
    }

    /** A line of its own: after the bar, which the next {@link #progressed} draws again below it. */
    synchronized void println(String line) {
        endLine();
        err.println(line);
    }

    /** Ends a half-drawn line, keeping it, so that what is printed next starts on its own. */
    synchronized void endLine() {
        if (lineOpen) err.println();
        lineOpen = false;
    }

    /** Wipes a half-drawn line, for a verdict that replaces it. */
    synchronized void clearLine() {
        if (lineOpen) {
            err.print("\r\033[K");
            err.flush();
        }
        lineOpen = false;
    }

    /** "LABEL  45% 540.0 MB of 1.2 GB, 30.1 MB/s, 18 s left"; a size of 0 or less is unknown. */
    synchronized String status(String label, long have, long size) {
        double seconds = seconds();
        double rate = seconds > 0 ? (have - startBytes) / seconds : 0;
        StringBuilder b = new StringBuilder(label).append("  ");
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
