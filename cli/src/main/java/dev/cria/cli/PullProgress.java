package dev.cria.cli;

import dev.cria.hub.DownloadListener;

import java.io.PrintStream;

/** A download's progress on stderr, as a {@link ByteProgressLine} per file and a line when each is done. */
final class PullProgress implements DownloadListener, AutoCloseable {
    private final PrintStream err;
    private final ByteProgressLine line;
    private boolean verified;
    /** Bytes already there when this file's download started: the rate counts only what came now. */
    private long resumedAt;

    PullProgress(PrintStream err, boolean terminal) {
        this.err = err;
        this.line = new ByteProgressLine(err, terminal, System::nanoTime);
    }

    static PullProgress onStderr() {
        return new PullProgress(System.err, ByteProgressLine.stderrIsTerminal());
    }

    @Override
    public void started(String file, long have, long size) {
        line.restart(have);
        resumedAt = have;
        verified = false;
        if (line.terminal()) {
            line.draw(file, have, size);
        } else {
            err.println("cria: pulling " + file + " (" + bytes(size) + (have > 0 ? ", resuming at " + bytes(have) : "") + ")");
        }
    }

    @Override
    public void progressed(String file, long have, long size) {
        line.progressed(file, have, size);
    }

    @Override
    public void retrying(String file, long have, String why) {
        line.println("cria: " + file + ": the connection broke off at " + bytes(have) + " (" + why + "); resuming");
    }

    @Override
    public void verified(String file, String sha256) {
        verified = true;
    }

    @Override
    public void finished(String file, long size, boolean cached) {
        if (cached) {
            line.println("cria: " + file + " is in the cache already");
            return;
        }
        double seconds = Math.max(1e-3, line.seconds());
        if (line.terminal()) line.draw(file, size, size);
        line.println("cria: " + file + ": " + bytes(size) + " in " + duration(seconds) + " (" + bytes((long) ((size - resumedAt) / seconds))
                + "/s)" + (verified ? ", SHA-256 verified" : ""));
    }

    @Override
    public void warning(String message) {
        line.println("cria: warning: " + message);
    }

    /** Ends a half-drawn line, so that an error printed next starts on its own. */
    @Override
    public void close() {
        line.endLine();
    }

    static String bytes(long n) {
        return ByteProgressLine.bytes(n);
    }

    static String duration(double seconds) {
        return ByteProgressLine.duration(seconds);
    }
}
