package dev.cria.server.generation;

import dev.cria.chat.ChatMessage;

import java.util.List;

/**
 * A lower bound on a prompt's tokens, found without tokenizing, so that text that cannot fit the
 * context is refused before seconds of tokenizing. Each token stands for at most
 * {@code Engine.longestTokenBytes()} bytes of the text's UTF-8 (Llama 3: byte-level BPE, no
 * normalizer; the pre-tokenizer only splits, e.g. digits into groups of at most 3, which makes more
 * tokens, never fewer), so B bytes are at least ceil(B / longest) tokens. Every count here errs low:
 * the bound must never refuse a prompt that would fit.
 */
public final class PromptBound {
    private PromptBound() {
    }

    /** The fewest tokens {@code utf8Bytes} bytes of text can become. */
    public static long minTokens(long utf8Bytes, int longestTokenBytes) {
        return (utf8Bytes + longestTokenBytes - 1) / longestTokenBytes;
    }

    /**
     * The UTF-8 length of {@code s} (RFC 3629), in one pass without allocating. A lone surrogate has no
     * UTF-8 form: it counts 0, since an encoder may drop it or replace it.
     */
    public static long utf8Bytes(CharSequence s, int from, int to) {
        long n = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else if (!Character.isSurrogate(c)) {
                n += 3;
            }
        }
        return n;
    }

    public static long utf8Bytes(CharSequence s) {
        return utf8Bytes(s, 0, s.length());
    }

    /**
     * Bytes of message content that any rendering of the conversation contains. The Llama 3.2
     * template trims each content ({@code | trim}), so whitespace at the ends is not counted, by a
     * definition wider than any trim's (Java whitespace, Unicode space separators, U+FEFF).
     */
    public static long chatContentBytes(List<ChatMessage> messages) {
        long n = 0;
        for (ChatMessage m : messages) {
            if (!(m.content() instanceof String s)) continue;
            int start = 0;
            int end = s.length();
            while (start < end && trimmable(s.charAt(start))) start++;
            while (end > start && trimmable(s.charAt(end - 1))) end--;
            n += utf8Bytes(s, start, end);
        }
        return n;
    }

    private static boolean trimmable(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == 0xFEFF || c == 0x85;
    }
}
