package dev.cria.cli;

import java.io.PrintStream;

/**
 * A spinner on the terminal between a question and its first token (the prompt's prefill), erased
 * before the answer is printed. Only on a terminal: piped output gets the answer alone.
 */
final class Spinner {
    private static final String FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";
    private static final long FRAME_MILLIS = 100;

    private final PrintStream out;
    private final Thread thread;
    private boolean shown;
    private boolean stopped;

    private Spinner(PrintStream out) {
        this.out = out;
        this.thread = Thread.ofPlatform().daemon().name("cria-spinner").start(this::spin);
    }

    static Spinner start(PrintStream out) {
        return new Spinner(out);
    }

    private void spin() {
        for (int i = 0; ; i++) {
            synchronized (this) {
                if (stopped) return;
                out.print((shown ? "\b" : "") + FRAMES.charAt(i % FRAMES.length()));
                out.flush();
                shown = true;
            }
            try {
                Thread.sleep(FRAME_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Erases the spinner; idempotent. After it returns, the spinner prints nothing more. */
    synchronized void stop() {
        if (stopped) return;
        stopped = true;
        thread.interrupt();
        if (shown) {
            out.print("\b \b");
            out.flush();
        }
    }
}
