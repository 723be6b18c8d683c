package dev.cria.grammar;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * GBNF text to a {@link Grammar}'s flat program, following llama.cpp's grammars/README.md and its
 * parser (grammar-parser / llama-grammar.cpp, parse_sequence and parse_alternates):
 * <ul>
 * <li>{@code name ::= alternatives}; names are letters, digits and dashes;</li>
 * <li>a rule ends at a newline unless the newline is inside parentheses or follows {@code |}; as an
 *     extension, a line starting with {@code |} also continues the rule before it (llama.cpp refuses
 *     it; no rule can start with {@code |}, so nothing valid reads differently);</li>
 * <li>literals {@code "..."}, classes {@code [...]} / {@code [^...]}, {@code .}, escapes
 *     {@code \n \r \t \\ \" \[ \] \xHH \\uHHHH \UHHHHHHHH} (a code point, matched as its UTF-8 bytes:
 *     {@code "\xff"} is U+00FF, bytes C3 BF, as in llama.cpp);</li>
 * <li>{@code * + ? {m} {m,} {m,n}} apply to the symbol before them (a whole literal, class, group or
 *     rule reference); {@code #} starts a comment to the end of the line.</li>
 * </ul>
 * Groups and repetitions become generated rules (as llama.cpp does): {@code x{2,4}} is
 * {@code x x opt2} with {@code opt2 ::= x opt1 | }, {@code opt1 ::= x | }, and {@code x*} is
 * {@code star ::= x star | } — right recursion in tail position, which the runtime follows without
 * growing the stack.
 */
final class GbnfParser {
    /** The largest m or n in {@code {m,n}}; larger counts are refused, not expanded. */
    static final int MAX_REPETITION = 10_000;
    /** Elements in the whole expanded program (nested repetitions multiply). */
    static final int MAX_ELEMENTS = 2_000_000;

    private final String src;
    private int at;
    private final Map<String, Integer> ruleIds = new HashMap<>();
    private final List<String> ruleNames = new ArrayList<>();
    /** Per rule: alternatives, each a list of elements encoded as kind << 32 | arg. */
    private final List<List<long[]>> ruleBodies = new ArrayList<>();
    private final List<Boolean> defined = new ArrayList<>();
    private final List<Integer> firstUse = new ArrayList<>();
    /** The user rule a generated rule was made for: errors name what the user wrote. */
    private final List<Integer> origin = new ArrayList<>();
    private final Utf8Classes classes = new Utf8Classes();
    private int elements;

    private GbnfParser(String src) {
        this.src = src;
    }

    static Grammar parse(String gbnf) {
        if (gbnf == null) throw new GrammarException("grammar: no text");
        return new GbnfParser(gbnf).run();
    }

    private Grammar run() {
        skipSpace(true);
        while (at < src.length()) {
            parseRule();
            skipSpace(true);
        }
        Integer root = ruleIds.get("root");
        if (root == null || !defined.get(root)) throw new GrammarException("grammar: no rule named 'root'");
        for (int r = 0; r < ruleNames.size(); r++) {
            if (!defined.get(r)) {
                throw new GrammarException("grammar " + where(firstUse.get(r)) + ": undefined rule '" + ruleNames.get(r) + "'");
            }
        }
        return Grammar.link(src, ruleNames, origin, ruleBodies, root, classes.table());
    }

    private void parseRule() {
        int nameAt = at;
        String name = parseName();
        skipSpace(false);
        if (!src.startsWith("::=", at)) throw error("expected '::=' after rule name '" + name + "'");
        at += 3;
        skipSpace(true);
        int id = ruleId(name, nameAt);
        if (defined.get(id)) throw new GrammarException("grammar " + where(nameAt) + ": rule '" + name + "' is defined twice");
        defined.set(id, true);
        origin.set(id, id);
        ruleBodies.set(id, parseAlternates(id, false));
        if (at < src.length()) {
            if (src.charAt(at) == '\r') at++;
            if (at < src.length() && src.charAt(at) != '\n') throw error("expected a newline or the end after rule '" + name + "'");
        }
    }

    private List<long[]> parseAlternates(int owner, boolean nested) {
        List<long[]> alts = new ArrayList<>();
        alts.add(parseSequence(owner, nested));
        while (true) {
            if (!nested) { // extension: a line starting with '|' continues the rule (llama.cpp would refuse it)
                int back = at;
                skipSpace(true);
                if (at >= src.length() || src.charAt(at) != '|') at = back;
            }
            if (at >= src.length() || src.charAt(at) != '|') break;
            at++;
            skipSpace(true); // llama.cpp: a newline after '|' continues the rule
            alts.add(parseSequence(owner, nested));
        }
        return alts;
    }

    private long[] parseSequence(int owner, boolean nested) {
        List<Long> seq = new ArrayList<>();
        int lastSymbolStart = -1;
        while (at < src.length()) {
            char c = src.charAt(at);
            int symbolAt = at;
            if (c == '"') {
                at++;
                lastSymbolStart = seq.size();
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                while (true) {
                    if (at >= src.length()) throw error("unterminated string literal");
                    if (src.charAt(at) == '"') { at++; break; }
                    int cp = parseChar();
                    bytes.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                }
                for (byte b : bytes.toByteArray()) seq.add(element(Grammar.BYTE, b & 0xFF));
                if (bytes.size() == 0) lastSymbolStart = -2; // "" is a symbol that repeats to nothing
            } else if (c == '[') {
                at++;
                boolean negated = at < src.length() && src.charAt(at) == '^';
                if (negated) at++;
                List<int[]> pairs = new ArrayList<>();
                while (true) {
                    if (at >= src.length()) throw error("unterminated character class");
                    if (src.charAt(at) == ']') { at++; break; }
                    int lo = parseChar();
                    int hi = lo;
                    if (at + 1 < src.length() && src.charAt(at) == '-' && src.charAt(at + 1) != ']') {
                        at++;
                        hi = parseChar();
                        if (hi < lo) throw new GrammarException("grammar " + where(at - 1) + ": character range ends before it starts");
                    }
                    pairs.add(new int[]{lo, hi});
                }
                lastSymbolStart = seq.size();
                seq.add(element(Grammar.CLASS, classes.startState(Utf8Classes.normalize(pairs, negated))));
            } else if (c == '.') {
                at++;
                lastSymbolStart = seq.size();
                seq.add(element(Grammar.CLASS, classes.startState(Utf8Classes.normalize(List.of(), true))));
            } else if (isWordChar(c)) {
                int nameAt = at;
                String name = parseName();
                lastSymbolStart = seq.size();
                seq.add(element(Grammar.REF, ruleId(name, nameAt)));
            } else if (c == '(') {
                at++;
                skipSpace(true);
                int sub = newRule(owner);
                ruleBodies.set(sub, parseAlternates(owner, true));
                if (at >= src.length() || src.charAt(at) != ')') throw error("expected ')'");
                at++;
                lastSymbolStart = seq.size();
                seq.add(element(Grammar.REF, sub));
            } else if (c == '*' || c == '+' || c == '?' || c == '{') {
                if (lastSymbolStart == -1) throw error("'" + c + "' without a symbol before it");
                int min, max;
                at++;
                if (c == '*') { min = 0; max = -1; }
                else if (c == '+') { min = 1; max = -1; }
                else if (c == '?') { min = 0; max = 1; }
                else {
                    skipSpace(nested);
                    min = parseCount();
                    skipSpace(nested);
                    max = min;
                    if (at < src.length() && src.charAt(at) == ',') {
                        at++;
                        skipSpace(nested);
                        max = at < src.length() && Character.isDigit(src.charAt(at)) ? parseCount() : -1;
                        skipSpace(nested);
                    }
                    if (at >= src.length() || src.charAt(at) != '}') throw error("expected '}' after a repetition count");
                    at++;
                    if (max != -1 && max < min) throw new GrammarException("grammar " + where(symbolAt) + ": repetition {" + min + "," + max + "} has max below min");
                }
                if (lastSymbolStart >= 0) repeat(owner, seq, lastSymbolStart, min, max);
                lastSymbolStart = -1; // x** is an error, as in llama.cpp
            } else {
                break; // '|', ')', newline, end: the caller decides
            }
            skipSpace(nested);
        }
        long[] out = new long[seq.size()];
        for (int i = 0; i < out.length; i++) out[i] = seq.get(i);
        elements += out.length + 1;
        if (elements > MAX_ELEMENTS) throw new GrammarException("grammar: more than " + MAX_ELEMENTS + " elements once repetitions are expanded");
        return out;
    }

    /** Replaces seq[from..] (one symbol) by its repetition {min, max} (max -1: unbounded). */
    private void repeat(int owner, List<Long> seq, int from, int min, int max) {
        List<Long> symbol = new ArrayList<>(seq.subList(from, seq.size()));
        seq.subList(from, seq.size()).clear();
        long size = (long) symbol.size() * Math.max(min, 1) + (max == -1 ? 0 : (long) (max - min) * (symbol.size() + 1));
        if (elements + size > MAX_ELEMENTS) throw new GrammarException("grammar: more than " + MAX_ELEMENTS + " elements once repetitions are expanded");
        for (int i = 0; i < min; i++) seq.addAll(symbol);
        if (max == -1) {
            int star = newRule(owner);
            long[] again = new long[symbol.size() + 1];
            for (int i = 0; i < symbol.size(); i++) again[i] = symbol.get(i);
            again[symbol.size()] = element(Grammar.REF, star);
            ruleBodies.set(star, List.of(again, new long[0]));
            elements += again.length + 2;
            seq.add(element(Grammar.REF, star));
        } else if (max > min) {
            int previous = -1;
            for (int k = 1; k <= max - min; k++) {
                int opt = newRule(owner);
                long[] body = new long[symbol.size() + (previous == -1 ? 0 : 1)];
                for (int i = 0; i < symbol.size(); i++) body[i] = symbol.get(i);
                if (previous != -1) body[symbol.size()] = element(Grammar.REF, previous);
                ruleBodies.set(opt, List.of(body, new long[0]));
                elements += body.length + 2;
                previous = opt;
            }
            seq.add(element(Grammar.REF, previous));
        }
    }

    private int parseCount() {
        int start = at;
        long n = 0;
        while (at < src.length() && Character.isDigit(src.charAt(at))) {
            n = n * 10 + (src.charAt(at) - '0');
            if (n > MAX_REPETITION) throw new GrammarException("grammar " + where(start) + ": repetition count above the limit of " + MAX_REPETITION);
            at++;
        }
        if (at == start) throw error("expected a repetition count");
        return (int) n;
    }

    /** One character of a literal or class, escapes resolved: a code point. */
    private int parseChar() {
        int start = at;
        char c = src.charAt(at);
        if (c == '\\') {
            if (at + 1 >= src.length()) throw error("unfinished escape");
            char e = src.charAt(at + 1);
            at += 2;
            return switch (e) {
                case 'n' -> '\n';
                case 'r' -> '\r';
                case 't' -> '\t';
                case '\\', '"', '[', ']', '-', '^' -> e;
                case 'x' -> hex(2, start);
                case 'u' -> hex(4, start);
                case 'U' -> hex(8, start);
                default -> throw new GrammarException("grammar " + where(start) + ": unknown escape '\\" + e + "'");
            };
        }
        int cp = src.codePointAt(at);
        at += Character.charCount(cp);
        if (cp >= 0xD800 && cp <= 0xDFFF) throw new GrammarException("grammar " + where(start) + ": lone surrogate in the grammar text");
        return cp;
    }

    private int hex(int digits, int start) {
        if (at + digits > src.length()) throw new GrammarException("grammar " + where(start) + ": expected " + digits + " hex digits");
        int v = 0;
        for (int i = 0; i < digits; i++) {
            int d = Character.digit(src.charAt(at + i), 16);
            if (d < 0) throw new GrammarException("grammar " + where(start) + ": expected " + digits + " hex digits");
            v = v * 16 + d;
            if (v > Utf8Classes.MAX_CODE_POINT) throw new GrammarException("grammar " + where(start) + ": escape beyond U+10FFFF");
        }
        at += digits;
        if (v >= 0xD800 && v <= 0xDFFF) throw new GrammarException("grammar " + where(start) + ": escape names a surrogate, which has no UTF-8 form");
        return v;
    }

    private String parseName() {
        int start = at;
        while (at < src.length() && isWordChar(src.charAt(at))) at++;
        if (at == start) throw error("expected a rule name");
        return src.substring(start, at);
    }

    private static boolean isWordChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    }

    /** Skips blanks and comments; newlines too when {@code newlines} (inside parentheses, after '|', between rules). */
    private void skipSpace(boolean newlines) {
        while (at < src.length()) {
            char c = src.charAt(at);
            if (c == ' ' || c == '\t' || (newlines && (c == '\n' || c == '\r'))) {
                at++;
            } else if (c == '#') {
                while (at < src.length() && src.charAt(at) != '\n' && src.charAt(at) != '\r') at++;
            } else {
                break;
            }
        }
    }

    private int ruleId(String name, int usedAt) {
        Integer id = ruleIds.get(name);
        if (id != null) return id;
        int r = ruleNames.size();
        ruleIds.put(name, r);
        ruleNames.add(name);
        ruleBodies.add(List.of());
        defined.add(false);
        firstUse.add(usedAt);
        origin.add(r);
        return r;
    }

    private int newRule(int owner) {
        int r = ruleNames.size();
        ruleNames.add(ruleNames.get(owner) + "-" + r);
        ruleBodies.add(List.of());
        defined.add(true);
        firstUse.add(at);
        origin.add(owner);
        return r;
    }

    private static long element(int kind, int arg) {
        return ((long) kind << 32) | (arg & 0xFFFFFFFFL);
    }

    private GrammarException error(String what) {
        String found = at >= src.length() ? "the end" : "'" + new String(Character.toChars(src.codePointAt(at))) + "'";
        return new GrammarException("grammar " + where(at) + ": " + what + ", found " + found);
    }

    /** "line:column", both from 1. */
    private String where(int index) {
        int line = 1, col = 1;
        for (int i = 0; i < index && i < src.length(); i++) {
            if (src.charAt(i) == '\n') { line++; col = 1; } else { col++; }
        }
        return line + ":" + col;
    }
}
