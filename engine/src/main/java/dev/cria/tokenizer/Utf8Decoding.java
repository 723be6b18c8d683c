package dev.cria.tokenizer;

/**
 * UTF-8 → UTF-16 with U+FFFD for ill-formed input by the "maximal subpart" rule (Unicode 15
 * §3.9, "U+FFFD Substitution of Maximal Subparts"; the same as Python's decoder with
 * {@code errors="replace"} and WHATWG TextDecoder): each maximal prefix of a well-formed sequence
 * that cannot be completed becomes one U+FFFD, and the byte that broke it is decoded afresh.
 * Well-formed sequences are those of Table 3-7 (no overlongs, no surrogates, nothing above U+10FFFF).
 */
final class Utf8Decoding {
    static final char REPLACEMENT = '\uFFFD';

    private Utf8Decoding() {
    }

    /**
     * Decodes {@code buf[off..off+len)} into {@code out}. With {@code endOfInput} false an
     * incomplete but so-far valid sequence at the end is left undecoded; returns the number of
     * bytes consumed (so {@code len - result} bytes, at most 3, are held back).
     */
    static int decode(byte[] buf, int off, int len, boolean endOfInput, StringBuilder out) {
        int i = off;
        int end = off + len;
        outer:
        while (i < end) {
            int b = buf[i] & 0xFF;
            if (b < 0x80) {
                out.append((char) b);
                i++;
                continue;
            }
            int need;
            int lo = 0x80, hi = 0xBF;
            if (b >= 0xC2 && b <= 0xDF) {
                need = 1;
            } else if (b == 0xE0) {
                need = 2; lo = 0xA0;
            } else if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) {
                need = 2;
            } else if (b == 0xED) {
                need = 2; hi = 0x9F;
            } else if (b == 0xF0) {
                need = 3; lo = 0x90;
            } else if (b >= 0xF1 && b <= 0xF3) {
                need = 3;
            } else if (b == 0xF4) {
                need = 3; hi = 0x8F;
            } else {                       // 80..C1, F5..FF never start a sequence
                out.append(REPLACEMENT);
                i++;
                continue;
            }
            int cp = b & (0x3F >> need);
            int j = i + 1;
            for (int k = 0; k < need; k++, j++) {
                if (j >= end) {
                    if (!endOfInput) return i - off;
                    out.append(REPLACEMENT);
                    i = end;
                    continue outer;
                }
                int c = buf[j] & 0xFF;
                if (c < lo || c > hi) {
                    out.append(REPLACEMENT);
                    i = j;
                    continue outer;
                }
                cp = (cp << 6) | (c & 0x3F);
                lo = 0x80;
                hi = 0xBF;
            }
            out.appendCodePoint(cp);
            i = j;
        }
        return len;
    }
}
