package dev.cria.tokenizer;

/**
 * The Llama 3 pre-tokenizer: splits text (as code points) into words with the regex
 * <pre>
 * (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
 * </pre>
 * written out as a scanner, as llama.cpp does in {@code unicode_regex_split_custom_llama3}
 * (unicode.cpp): alternatives are tried in order at each position, exactly as the regex's
 * leftmost-first alternation would, in one linear pass.
 *
 * <p>Character classes: {@code \p{L}} = general categories Lu Ll Lt Lm Lo, {@code \p{N}} = Nd Nl
 * No (Java's {@link Character#getType}), and {@code \s} = the Unicode White_Space property, the
 * set llama.cpp's unicode-data.cpp uses: U+0009..000D, 0020, 0085, 00A0, 1680, 2000..200A, 2028,
 * 2029, 202F, 205F, 3000. ZERO WIDTH SPACE (U+200B) and the BOM (U+FEFF) are format characters,
 * not whitespace, so they fall in {@code [^\s\p{L}\p{N}]}.
 */
final class Llama3PreTokenizer {
    static final String REGEX = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}|"
            + " ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    static final byte LETTER = 1, NUMBER = 2, SPACE = 4, IN_RANGE = 8;
    /** Flags of every BMP code point, computed once (64 KiB). */
    private static final byte[] BMP_FLAGS = new byte[0x10000];

    static {
        for (int cp = 0; cp < 0x10000; cp++) BMP_FLAGS[cp] = computeFlags(cp);
    }

    private Llama3PreTokenizer() {
    }

    static byte flags(int cp) {
        return cp < 0x10000 ? BMP_FLAGS[cp] : computeFlags(cp);
    }

    private static byte computeFlags(int cp) {
        int f = IN_RANGE;
        switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                 Character.MODIFIER_LETTER, Character.OTHER_LETTER -> f |= LETTER;
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> f |= NUMBER;
            default -> { }
        }
        if ((cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F
                || cp == 0x205F || cp == 0x3000) {
            f |= SPACE;
        }
        return (byte) f;
    }

    /**
     * Splits {@code cps[from..to)} into words; appends each word's end index (exclusive) to
     * {@code ends}. {@code fl} must hold {@link #flags} of each code point in the same range.
     */
    static void split(int[] cps, byte[] fl, int from, int to, IntList ends) {
        int pos = from;
        while (pos < to) {
            int cpt = cps[pos];
            int flags = fl[pos];

            // (?i:'s|'t|'re|'ve|'m|'ll|'d)
            if (cpt == '\'' && pos + 1 < to) {
                int c1 = Character.toLowerCase(cps[pos + 1]);
                if (c1 == 's' || c1 == 't' || c1 == 'm' || c1 == 'd') {
                    pos += 2;
                    ends.add(pos);
                    continue;
                }
                if (pos + 2 < to) {
                    int c2 = Character.toLowerCase(cps[pos + 2]);
                    if ((c1 == 'r' && c2 == 'e') || (c1 == 'v' && c2 == 'e') || (c1 == 'l' && c2 == 'l')) {
                        pos += 3;
                        ends.add(pos);
                        continue;
                    }
                }
            }

            // [^\r\n\p{L}\p{N}]?\p{L}+
            if (cpt != '\r' && cpt != '\n' && (flags & NUMBER) == 0) {
                if ((flags & LETTER) != 0 || (pos + 1 < to && (fl[pos + 1] & LETTER) != 0)) {
                    pos++;
                    while (pos < to && (fl[pos] & LETTER) != 0) pos++;
                    ends.add(pos);
                    continue;
                }
            }

            // \p{N}{1,3}
            if ((flags & NUMBER) != 0) {
                int start = pos;
                while (pos < to && (fl[pos] & NUMBER) != 0 && pos - start < 3) pos++;
                ends.add(pos);
                continue;
            }

            // ' '?[^\s\p{L}\p{N}]+[\r\n]*
            int at = cpt == ' ' ? pos + 1 : pos;
            if (at < to && (fl[at] & (SPACE | LETTER | NUMBER)) == 0) {
                pos = at;
                while (pos < to && (fl[pos] & (SPACE | LETTER | NUMBER)) == 0) pos++;
                while (pos < to && (cps[pos] == '\r' || cps[pos] == '\n')) pos++;
                ends.add(pos);
                continue;
            }

            // Whitespace run: \s*[\r\n]+ | \s+(?!\S) | \s+
            int n = 0;
            int lastLineBreakEnd = -1;
            while (pos + n < to && (fl[pos + n] & SPACE) != 0) {
                int c = cps[pos + n];
                if (c == '\r' || c == '\n') lastLineBreakEnd = pos + n + 1;
                n++;
            }
            if (lastLineBreakEnd >= 0) {          // \s*[\r\n]+ : up to the last line break of the run
                pos = lastLineBreakEnd;
            } else if (n > 1 && pos + n < to) {   // \s+(?!\S) : leave the last space to the next word
                pos += n - 1;
            } else if (n > 0) {                   // \s+
                pos += n;
            } else {                              // nothing matched: one code point on its own
                pos++;
            }
            ends.add(pos);
        }
    }
}
