package dev.cria.grammar.json;

import java.util.ArrayList;
import java.util.List;

/**
 * A JSON Schema {@code pattern} (ECMA-262 regular expression, JSON Schema 2020-12 §6.3.3) as a
 * grammar of the JSON string text between the quotes. The subset: literals, escapes
 * ({@code \n \t \r \f \v \0 \xHH \\uHHHH} and escaped punctuation), {@code .}, classes
 * ({@code [a-z]}, {@code [^...]}), {@code \d \w \s} and their negations, groups ({@code (...)},
 * {@code (?:...)}, {@code (?<name>...)}), alternation, and the quantifiers {@code ? * + {n} {n,}
 * {n,m}} (lazy or not: the language is the same). Refused, naming the construct: lookaround,
 * backreferences, word boundaries, Unicode property escapes, control escapes.
 *
 * <p>A pattern matches anywhere in the string unless anchored (§6.3.3: "not implicitly anchored"),
 * so an alternative without a leading {@code ^} may start after any characters and one without a
 * trailing {@code $} may end before any; anchors anywhere else are refused. A character of the
 * pattern is written in the JSON text the one way {@link JsonText#character} writes it (the grammar
 * takes a subset of the spellings, never a string outside the pattern).
 */
final class RegexGrammar {
    private static final CodePointSet DIGIT = CodePointSet.range('0', '9');
    private static final CodePointSet WORD = CodePointSet.ofRanges('0', '9', 'A', 'Z', 'a', 'z', '_', '_');
    private static final CodePointSet SPACE = CodePointSet.ofRanges('\t', '\r', ' ', ' ', 0xA0, 0xA0, 0x1680, 0x1680,
            0x2000, 0x200A, 0x2028, 0x2029, 0x202F, 0x202F, 0x205F, 0x205F, 0x3000, 0x3000, 0xFEFF, 0xFEFF);
    private static final CodePointSet LINE_TERMINATORS = CodePointSet.ofRanges('\n', '\n', '\r', '\r', 0x2028, 0x2029);
    private static final CodePointSet SURROGATES = CodePointSet.range(0xD800, 0xDFFF);
    /** Written escaped in JSON text (RFC 8259 §7). */
    private static final CodePointSet ESCAPED = CodePointSet.ofRanges(0, 0x1F, '"', '"', '\\', '\\');

    private sealed interface Node permits Chars, Sequence, Alternatives, Repeat, Anchor {
    }

    private record Chars(CodePointSet set) implements Node {
    }

    private record Sequence(List<Node> items) implements Node {
    }

    private record Alternatives(List<Node> options) implements Node {
    }

    private record Repeat(Node item, int min, int max) implements Node {
    }

    private record Anchor(boolean start) implements Node {
    }

    private final GbnfRules rules;
    private final JsonRules json;

    RegexGrammar(GbnfRules rules, JsonRules json) {
        this.rules = rules;
        this.json = json;
    }

    /** The content rule (between the quotes) for {@code pattern}; errors name {@code path}/pattern. */
    String content(String pattern, SchemaPath path) {
        Parser parser = new Parser(pattern, path);
        Alternatives top = parser.parse();
        List<String> options = new ArrayList<>();
        for (Node option : top.options()) {
            List<Node> items = new ArrayList<>(option instanceof Sequence s ? s.items() : List.of(option));
            boolean anchoredStart = !items.isEmpty() && items.getFirst() instanceof Anchor a && a.start();
            if (anchoredStart) items.removeFirst();
            boolean anchoredEnd = !items.isEmpty() && items.getLast() instanceof Anchor a && !a.start();
            if (anchoredEnd) items.removeLast();
            Sequence body = new Sequence(items);
            if (hasAnchor(body)) {
                throw path.unsupported("pattern", "an anchor (^ or $) that does not begin or end the pattern: " + pattern);
            }
            List<String> parts = new ArrayList<>();
            if (!anchoredStart) parts.add(json.character() + "*");
            parts.add(expression(body));
            if (!anchoredEnd) parts.add(json.character() + "*");
            options.add(String.join(" ", parts));
        }
        return Gbnf.anyOf(options);
    }

    private static boolean hasAnchor(Node node) {
        return switch (node) {
            case Anchor a -> true;
            case Chars c -> false;
            case Sequence s -> s.items().stream().anyMatch(RegexGrammar::hasAnchor);
            case Alternatives a -> a.options().stream().anyMatch(RegexGrammar::hasAnchor);
            case Repeat r -> hasAnchor(r.item());
        };
    }

    private String expression(Node node) {
        return switch (node) {
            case Chars c -> characters(c.set());
            case Sequence s -> s.items().isEmpty() ? "\"\""
                    : String.join(" ", s.items().stream().map(this::expression).toList());
            case Alternatives a -> "( " + String.join(" | ", a.options().stream().map(this::expression).toList()) + " )";
            case Repeat r -> Gbnf.repeat(grouped(r.item()), r.min(), r.max());
            case Anchor a -> throw new IllegalStateException("anchors are removed before");
        };
    }

    private String grouped(Node node) {
        String e = expression(node);
        return node instanceof Chars && !e.contains(" ") ? e : "( " + e + " )";
    }

    /** One character of {@code set} as JSON text: unescaped ones as a class, escaped ones spelled out. */
    private String characters(CodePointSet set) {
        List<String> options = new ArrayList<>();
        CodePointSet plain = set.minus(ESCAPED).minus(SURROGATES);
        if (!plain.isEmpty()) {
            CodePointSet missing = plain.complement().minus(SURROGATES);
            options.add(missing.ranges().length < plain.ranges().length
                    ? Gbnf.charClass(true, missing.ranges()) : Gbnf.charClass(false, plain.ranges()));
        }
        int[] escaped = set.intersect(ESCAPED).ranges();
        for (int i = 0; i < escaped.length; i += 2) {
            for (int c = escaped[i]; c <= escaped[i + 1]; c++) options.add(Gbnf.literal(JsonText.character(c)));
        }
        if (options.isEmpty()) throw new IllegalStateException("the parser refuses sets without a character");
        if (options.size() == 1) return options.getFirst();
        return rules.add("pattern-char", String.join(" | ", options));
    }

    /** A recursive-descent reader of the pattern, over code points. */
    private static final class Parser {
        private final String pattern;
        private final int[] cps;
        private final SchemaPath path;
        private int at;

        Parser(String pattern, SchemaPath path) {
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
                case '.' -> new Chars(CodePointSet.ALL.minus(LINE_TERMINATORS));
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
                CodePointSet low = classAtom();
                if (at + 1 < cps.length && cps[at] == '-' && cps[at + 1] != ']') {
                    at++;
                    CodePointSet high = classAtom();
                    int lo = single(low);
                    int hi = single(high);
                    if (lo < 0 || hi < 0) throw invalid("a range with a class escape at its end");
                    if (hi < lo) throw invalid("a range out of order");
                    set = set.union(CodePointSet.range(lo, hi));
                } else {
                    set = set.union(low);
                }
            }
            CodePointSet result = negated ? set.complement() : set;
            if (result.minus(SURROGATES).isEmpty()) throw unsupported("a class that matches no character");
            return result;
        }

        private static int single(CodePointSet s) {
            int[] r = s.ranges();
            return r.length == 2 && r[0] == r[1] ? r[0] : -1;
        }

        private CodePointSet classAtom() {
            int c = cps[at++];
            if (c != '\\') return CodePointSet.of(c);
            if (at >= cps.length) throw invalid("a pattern that ends in '\\'");
            if (cps[at] == 'b') { at++; return CodePointSet.of('\b'); } // backspace inside a class
            if (cps[at] == '-') { at++; return CodePointSet.of('-'); }
            return escape();
        }

        private Node escapeAtom() {
            if (at >= cps.length) throw invalid("a pattern that ends in '\\'");
            int c = cps[at];
            if (c == 'b' || c == 'B') throw unsupported("the word boundary \\" + Character.toString(c));
            if (c >= '1' && c <= '9') throw unsupported("the backreference \\" + Character.toString(c));
            if (c == 'k') throw unsupported("the named backreference \\k");
            CodePointSet set = escape();
            if (set.minus(SURROGATES).isEmpty()) throw unsupported("a lone surrogate escape");
            return new Chars(set);
        }

        /** After a '\\': one escaped character or a class escape. */
        private CodePointSet escape() {
            int c = cps[at++];
            return switch (c) {
                case 'd' -> DIGIT;
                case 'D' -> DIGIT.complement();
                case 'w' -> WORD;
                case 'W' -> WORD.complement();
                case 's' -> SPACE;
                case 'S' -> SPACE.complement();
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
}
