package dev.cria.tokenizer;

/**
 * Incremental detokenizer for one request: turns each new token into the text that is complete
 * so far. An incomplete UTF-8 sequence at the end is held back until the next token completes
 * (or breaks) it; ill-formed bytes become U+FFFD by the maximal-subpart rule, exactly like
 * Python's incremental UTF-8 decoder with {@code errors="replace"}. Special tokens contribute
 * their text. Not thread-safe: one per sequence, used by one thread at a time.
 */
public final class StreamingDecoder {
    private final Tokenizer tokenizer;
    /** Held-back bytes (at most 3) followed by the current token's bytes; reused. */
    private byte[] buf = new byte[64];
    private int held;
    private final StringBuilder out = new StringBuilder(64);

    StreamingDecoder(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** The text completed by token {@code id} (may be empty while a character is still incomplete). */
    public String accept(int id) {
        byte[] piece = tokenizer.piece(id);
        if (piece.length == 0) return "";
        int total = held + piece.length;
        if (buf.length < total) buf = java.util.Arrays.copyOf(buf, Math.max(total, buf.length * 2));
        System.arraycopy(piece, 0, buf, held, piece.length);
        out.setLength(0);
        int used = Utf8Decoding.decode(buf, 0, total, false, out);
        held = total - used;
        if (held > 0) System.arraycopy(buf, used, buf, 0, held);
        return out.isEmpty() ? "" : out.toString();
    }

    /** Whether bytes of an unfinished character are held back. */
    public boolean hasPending() {
        return held > 0;
    }

    /** Ends the stream: whatever is held back comes out as U+FFFD (one per maximal subpart). */
    public String flush() {
        if (held == 0) return "";
        out.setLength(0);
        Utf8Decoding.decode(buf, 0, held, true, out);
        held = 0;
        return out.toString();
    }
}
