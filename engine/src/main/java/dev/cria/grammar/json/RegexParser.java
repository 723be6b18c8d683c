package dev.cria.grammar.json;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads a JSON Schema {@code pattern} (ECMA-262 syntax) into a tree of {@link Node}s: a
 * recursive-descent parser over code points that refuses, naming them, the constructs a grammar
 * cannot express (lookaround, backreferences, word boundaries, property escapes). Character sets
 * of more than one character ({@code .}, classes, {@code \\d \\w \\s} and their negations) keep to the
 * Basic Multilingual Plane: there ECMA-262's code units (no {@code u} flag) and Java's code points
 * (networknt's default) agree on what one character is.
 */
final class RegexParser {
    private static final CodePointSet DIGIT = CodePointSet.range('0', '9');
    private static final CodePointSet WORD = CodePointSet.ofRanges('0', '9', 'A', 'Z', 'a', 'z', '_', '_');
    /** ECMA-262's \\s (WhiteSpace and LineTerminator); Java's, which networknt uses, is only the ASCII ones. */
    private static final CodePointSet SPACE = CodePointSet.ofRanges('\t', '\r', ' ', ' ', 0xA0, 0xA0, 0x1680, 0x1680,
            0x2000, 0x200A, 0x2028, 0x2029, 0x202F, 0x202F, 0x205F, 0x205F, 0x3000, 0x3000, 0xFEFF, 0xFEFF);
    private static final CodePointSet ASCII_SPACE = CodePointSet.ofRanges('\t', '\r', ' ', ' ');
    /** What '.' does not match: ECMA-262's line terminators, and U+0085, which Java's '.' also leaves out. */
    private static final CodePointSet LINE_TERMINATORS = CodePointSet.ofRanges('\n', '\n', '\r', '\r', 0x85, 0x85, 0x2028, 0x2029);
    static final CodePointSet SURROGATES = CodePointSet.range(0xD800, 0xDFFF);
    private static final CodePointSet BMP = CodePointSet.range(0, 0xFFFF);

    sealed interface Node permits Chars, Sequence, Alternatives, Repeat, Anchor {
    }

    record Chars(CodePointSet set) implements Node {
    }

    record Sequence(List<Node> items) implements Node {
    }

    record Alternatives(List<Node> options) implements Node {
    }

    record Repeat(Node item, int min, int max) implements Node {
    }

    record Anchor(boolean start) implements Node {
    }

    private final String pattern;
    private final int[] cps;
    private final SchemaPath path;
    private int at;
    /** Open groups: the parser recurses once per group. */
    private int depth;
    private static final int MAX_GROUP_DEPTH = 100;

    RegexParser(String pattern, SchemaPath path) {
        this.pattern = pattern;
        this.cps = pattern.codePoints().toArray();
        this.path = path;
    }

    Alternatives parse() {
        Alternatives result = alternatives();
        if (at < cps.length) throw invalid("unbalanced ')'");
        return result;
    }

    private Alternatives alternatives() {
        List<Node> options = new ArrayList<>();
        options.add(sequence());
        while (at < cps.length && cps[at] == '|') {
            at++;
            options.add(sequence());
        }
        return new Alternatives(options);
    }

    private Node sequence() {
        List<Node> items = new ArrayList<>();
        while (at < cps.length && cps[at] != '|' && cps[at] != ')') {
            Node atom = atom();
            items.add(quantified(atom));
        }
        return items.size() == 1 ? items.getFirst() : new Sequence(items);
    }

    private Node atom() {
        int c = cps[at++];
        return switch (c) {
            case '^' -> new Anchor(true);
            case '$' -> new Anchor(false);
            case '.' -> new Chars(CodePointSet.ALL.minus(LINE_TERMINATORS).intersect(BMP));
            case '[' -> new Chars(charClass());
            case '(' -> group();
            case '\\' -> escapeAtom();
            case '*', '+', '?' -> throw invalid("nothing to repeat before '" + Character.toString(c) + "'");
            case '{' -> {
                if (quantifierAhead(at - 1)) throw invalid("nothing to repeat before '{'");
                yield new Chars(CodePointSet.of(c));
            }
            default -> new Chars(CodePointSet.of(c));
        };
    }

    private Node group() {
        if (++depth > MAX_GROUP_DEPTH) throw unsupported("groups nested more than " + MAX_GROUP_DEPTH + " deep");
        if (at < cps.length && cps[at] == '?') {
            int kind = at + 1 < cps.length ? cps[at + 1] : -1;
            if (kind == ':') {
                at += 2;
            } else if (kind == '=' || kind == '!') {
                throw unsupported("lookahead (?" + Character.toString(kind) + "...)");
            } else if (kind == '<' && at + 2 < cps.length && (cps[at + 2] == '=' || cps[at + 2] == '!')) {
                throw unsupported("lookbehind (?<" + Character.toString(cps[at + 2]) + "...)");
            } else if (kind == '<') {
                int close = at + 2;
                while (close < cps.length && cps[close] != '>') close++;
                if (close >= cps.length) throw invalid("unterminated group name");
                at = close + 1;
            } else {
                throw unsupported("the group modifier (?" + (kind < 0 ? "" : Character.toString(kind)) + "...)");
            }
        }
        Alternatives inside = alternatives();
        if (at >= cps.length || cps[at] != ')') throw invalid("missing ')'");
        at++;
        depth--;
        return inside.options().size() == 1 ? inside.options().getFirst() : inside;
    }

    private Node quantified(Node atom) {
        if (at >= cps.length) return atom;
        int min;
        int max;
        switch (cps[at]) {
            case '*' -> { min = 0; max = -1; at++; }
            case '+' -> { min = 1; max = -1; at++; }
            case '?' -> { min = 0; max = 1; at++; }
            case '{' -> {
                if (!quantifierAhead(at)) return atom;
                at++;
                min = number();
                max = min;
                if (cps[at] == ',') {
                    at++;
                    max = cps[at] == '}' ? -1 : number();
                }
                at++; // '}'
                if (max >= 0 && max < min) throw invalid("{" + min + "," + max + "}: the maximum is below the minimum");
            }
            default -> {
                return atom;
            }
        }
        if (atom instanceof Anchor) throw invalid("a quantifier after an anchor");
        if (at < cps.length && cps[at] == '?') at++; // lazy: the same strings
        if (at < cps.length && (cps[at] == '*' || cps[at] == '+' || cps[at] == '?' || (cps[at] == '{' && quantifierAhead(at)))) {
            throw invalid("a quantifier after a quantifier");
        }
        return new Repeat(atom, min, max);
    }

    /** {@code {n}}, {@code {n,}} or {@code {n,m}} starts at {@code i} (otherwise '{' is a literal). */
    private boolean quantifierAhead(int i) {
        int j = i + 1;
        int digits = 0;
        while (j < cps.length && cps[j] >= '0' && cps[j] <= '9') { j++; digits++; }
        if (digits == 0 || j >= cps.length) return false;
        if (cps[j] == '}') return true;
        if (cps[j] != ',') return false;
        j++;
        while (j < cps.length && cps[j] >= '0' && cps[j] <= '9') j++;
        return j < cps.length && cps[j] == '}';
    }

    private int number() {
        int start = at;
        while (cps[at] >= '0' && cps[at] <= '9') at++;
        String digits = new String(cps, start, at - start);
        if (digits.length() > 5 || Integer.parseInt(digits) > 10_000) {
            throw unsupported("a repetition count above 10000 ({" + digits + "...})");
        }
        return Integer.parseInt(digits);
    }

    private CodePointSet charClass() {
        boolean negated = at < cps.length && cps[at] == '^';
        if (negated) at++;
        CodePointSet set = CodePointSet.EMPTY;
        while (true) {
            if (at >= cps.length) throw invalid("missing ']'");
            if (cps[at] == ']') { at++; break; } // "[]" matches nothing (refused below); "[^]" anything
            CodePointSet low = classAtom(negated);
            if (at + 1 < cps.length && cps[at] == '-' && cps[at + 1] != ']') {
                at++;
                CodePointSet high = classAtom(negated);
                int lo = single(low);
                int hi = single(high);
                if (lo < 0 || hi < 0) throw invalid("a range with a class escape at its end");
                if (hi < lo) throw invalid("a range out of order");
                set = set.union(CodePointSet.range(lo, hi));
            } else {
                set = set.union(low);
            }
        }
        CodePointSet result = negated ? set.complement().intersect(BMP) : set;
        if (result.minus(SURROGATES).isEmpty()) throw unsupported("a class that matches no character");
        return result;
    }

    private static int single(CodePointSet s) {
        int[] r = s.ranges();
        return r.length == 2 && r[0] == r[1] ? r[0] : -1;
    }

    /** One item of a class; inside a negated class \\s and \\S take the readings whose complement both dialects agree on. */
    private CodePointSet classAtom(boolean negated) {
        int c = cps[at++];
        if (c != '\\') return CodePointSet.of(c);
        if (at >= cps.length) throw invalid("a pattern that ends in '\\'");
        if (cps[at] == 'b') { at++; return CodePointSet.of('\b'); } // backspace inside a class
        if (cps[at] == '-') { at++; return CodePointSet.of('-'); }
        return escape(negated);
    }

    private Node escapeAtom() {
        if (at >= cps.length) throw invalid("a pattern that ends in '\\'");
        int c = cps[at];
        if (c == 'b' || c == 'B') throw unsupported("the word boundary \\" + Character.toString(c));
        if (c >= '1' && c <= '9') throw unsupported("the backreference \\" + Character.toString(c));
        if (c == 'k') throw unsupported("the named backreference \\k");
        CodePointSet set = escape(false);
        if (set.minus(SURROGATES).isEmpty()) throw unsupported("a lone surrogate escape");
        return new Chars(set);
    }

    /**
     * After a '\\': one escaped character or a class escape. {@code \\s} is read as the characters
     * both ECMA-262 and Java call white space (ASCII), {@code \\S} as what neither does, so what
     * the grammar writes matches in either dialect; {@code wide} gives the opposite readings, for
     * items of a negated class (whose complement must be the narrow one).
     */
    private CodePointSet escape(boolean wide) {
        int c = cps[at++];
        return switch (c) {
            case 'd' -> DIGIT;
            case 'D' -> DIGIT.complement().intersect(BMP);
            case 'w' -> WORD;
            case 'W' -> WORD.complement().intersect(BMP);
            case 's' -> wide ? SPACE : ASCII_SPACE;
            case 'S' -> (wide ? ASCII_SPACE : SPACE).complement().intersect(BMP);
            case 'n' -> CodePointSet.of('\n');
            case 'r' -> CodePointSet.of('\r');
            case 't' -> CodePointSet.of('\t');
            case 'f' -> CodePointSet.of('\f');
            case 'v' -> CodePointSet.of(0x0B);
            case '0' -> {
                if (at < cps.length && cps[at] >= '0' && cps[at] <= '9') throw unsupported("an octal escape \\0" + Character.toString(cps[at]));
                yield CodePointSet.of(0);
            }
            case 'x' -> CodePointSet.of(hex(2));
            case 'u' -> {
                if (at < cps.length && cps[at] == '{') throw unsupported("the \\u{...} escape (needs the u flag)");
                yield CodePointSet.of(hex(4));
            }
            case 'p', 'P' -> throw unsupported("the Unicode property escape \\" + Character.toString(c));
            case 'c' -> throw unsupported("the control escape \\c");
            default -> {
                if (Character.isLetterOrDigit(c)) throw unsupported("the escape \\" + Character.toString(c));
                yield CodePointSet.of(c);
            }
        };
    }

    private int hex(int digits) {
        if (at + digits > cps.length) throw invalid("a short hexadecimal escape");
        int value = 0;
        for (int i = 0; i < digits; i++) {
            int d = Character.digit(cps[at++], 16);
            if (d < 0) throw invalid("a bad hexadecimal escape");
            value = value * 16 + d;
        }
        return value;
    }

    private InvalidSchemaException invalid(String why) {
        return path.invalid("pattern", why + " in " + pattern);
    }

    private UnsupportedSchemaException unsupported(String what) {
        return path.unsupported("pattern", what + " in " + pattern + " (the supported subset: literals, classes, "
                + "\\d \\w \\s, groups, alternation, ? * + {m,n}, anchors ^ and $ at the ends)");
    }
}
