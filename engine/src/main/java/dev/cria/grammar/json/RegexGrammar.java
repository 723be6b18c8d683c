package dev.cria.grammar.json;

import dev.cria.grammar.json.RegexParser.Alternatives;
import dev.cria.grammar.json.RegexParser.Anchor;
import dev.cria.grammar.json.RegexParser.Chars;
import dev.cria.grammar.json.RegexParser.Node;
import dev.cria.grammar.json.RegexParser.Repeat;
import dev.cria.grammar.json.RegexParser.Sequence;

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
    private static final CodePointSet SURROGATES = RegexParser.SURROGATES;
    /** Written escaped in JSON text (RFC 8259 §7). */
    private static final CodePointSet ESCAPED = CodePointSet.ofRanges(0, 0x1F, '"', '"', '\\', '\\');

    private final GbnfRules rules;
    private final JsonRules json;

    RegexGrammar(GbnfRules rules, JsonRules json) {
        this.rules = rules;
        this.json = json;
    }

    /** The content rule (between the quotes) for {@code pattern}; errors name {@code path}/pattern. */
    String content(String pattern, SchemaPath path) {
        RegexParser parser = new RegexParser(pattern, path);
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
}
