package dev.cria.tokenizer;

/**
 * GPT-2's byte-to-unicode table ({@code bytes_to_unicode} in openai/gpt-2 encoder.py, used by
 * HF's ByteLevel pre-tokenizer/decoder and llama.cpp's {@code unicode_byte_to_utf8}): every byte
 * becomes one printable character, so byte-level BPE tokens are stored as ordinary strings.
 * Bytes {@code ! .. ~}, {@code ¡ .. ¬} and {@code ® .. ÿ} map to themselves; the other 68 bytes
 * map to U+0100, U+0101, … in byte order (space 0x20 → {@code Ġ} U+0120, newline → {@code Ċ}).
 */
final class ByteLevel {
    /** byte (0..255) → its character. */
    static final char[] BYTE_TO_CHAR = new char[256];
    /** character (0..0x143) → its byte, or -1. */
    private static final short[] CHAR_TO_BYTE = new short[0x144];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, (short) -1);
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + extra++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = (short) b;
        }
    }

    private ByteLevel() {
    }

    /** The byte a byte-level character stands for, or -1 if {@code c} is not one of the 256. */
    static int byteOf(char c) {
        return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }

    /**
     * The bytes of a byte-level token string. A character outside the table (never in a
     * well-formed byte-level vocabulary) contributes its own UTF-8 bytes, so nothing is lost.
     */
    static byte[] decode(String token) {
        byte[] out = new byte[token.length()];
        int n = 0;
        for (int i = 0; i < token.length(); i++) {
            int b = byteOf(token.charAt(i));
            if (b >= 0) {
                out[n++] = (byte) b;
            } else {
                int cp = token.codePointAt(i);
                if (Character.isSupplementaryCodePoint(cp)) i++;
                byte[] u = new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                // Room for these bytes and one byte for each character still to come: the buffer
                // started at one byte per character, and a multi-byte one may have used the rest.
                int needed = n + u.length + (token.length() - 1 - i);
                if (needed > out.length) out = java.util.Arrays.copyOf(out, needed);
                System.arraycopy(u, 0, out, n, u.length);
                n += u.length;
            }
        }
        return n == out.length ? out : java.util.Arrays.copyOf(out, n);
    }
}
