package dev.cria.grammar.json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A JSON string (quotes included) whose value is none of a set of names: the keys an object may
 * take beside its declared {@code properties} when {@code additionalProperties} allows more. Without
 * it a model could repeat a declared key with a value its own schema forbids.
 *
 * <p>Built on the trie of the names' JSON spellings: at each node the string may close (unless the
 * node ends a name), go on along a child, or take any other character and then anything. For this
 * to be exact a character has one spelling in such keys: unescaped, except {@code "} and {@code \}
 * and the controls, which take the escape {@link JsonText#character} writes (no <code>&#92;uXXXX</code>
 * for other characters, no {@code \/}, lower-case hex).
 */
final class OtherKeyGrammar {
    /** Every escape a key may contain, in the one spelling allowed. */
    private static final List<String> ESCAPES;

    static {
        List<String> escapes = new ArrayList<>();
        escapes.add(JsonText.character('"'));
        escapes.add(JsonText.character('\\'));
        for (int c = 0; c < 0x20; c++) escapes.add(JsonText.character(c));
        ESCAPES = List.copyOf(escapes);
    }

    private static final class Node {
        final Map<String, Node> children = new LinkedHashMap<>();
        boolean endsName;
    }

    private final GbnfRules rules;

    OtherKeyGrammar(GbnfRules rules) {
        this.rules = rules;
    }

    /** The rule for a key other than {@code names}. */
    String rule(String hint, Set<String> names) {
        Node root = new Node();
        for (String name : names) {
            Node node = root;
            for (int c : name.codePoints().toArray()) node = node.children.computeIfAbsent(JsonText.character(c), k -> new Node());
            node.endsName = true;
        }
        String name = rules.reserve(hint + "-other-key");
        rules.define(name, "\"\\\"\" " + rest(hint, root));
        return name;
    }

    /** The rest of the key after a node's prefix, closing quote included. */
    private String rest(String hint, Node node) {
        List<String> options = new ArrayList<>();
        if (!node.endsName) options.add("\"\\\"\"");
        for (Map.Entry<String, Node> child : node.children.entrySet()) {
            options.add(Gbnf.literal(child.getKey()) + " " + rest(hint, child.getValue()));
        }
        options.add(otherCharacter(node.children.keySet()) + " " + keyCharacter() + "* \"\\\"\"");
        return rules.add(hint + "-key", String.join(" | ", options));
    }

    /** One key character whose spelling is none of {@code taken}. */
    private String otherCharacter(Set<String> taken) {
        TreeSet<Integer> plainTaken = new TreeSet<>();
        List<String> escapes = new ArrayList<>();
        for (String spelling : taken) {
            if (!spelling.startsWith("\\")) plainTaken.add(spelling.codePointAt(0));
        }
        for (String escape : ESCAPES) if (!taken.contains(escape)) escapes.add(Gbnf.literal(escape));
        List<String> options = new ArrayList<>();
        options.add(plainClass(plainTaken));
        if (escapes.size() == ESCAPES.size()) options.add(keyEscape());
        else if (!escapes.isEmpty()) options.add("( " + String.join(" | ", escapes) + " )");
        return Gbnf.anyOf(options);
    }

    private static String plainClass(TreeSet<Integer> excludedToo) {
        int[] ranges = new int[6 + 2 * excludedToo.size()];
        int i = 0;
        for (int c : new int[]{0, 0x1F, '"', '"', '\\', '\\'}) ranges[i++] = c;
        for (int c : excludedToo) {
            ranges[i++] = c;
            ranges[i++] = c;
        }
        return Gbnf.charClass(true, ranges);
    }

    private String keyEscape() {
        return rules.shared("key-escape", () -> String.join(" | ", ESCAPES.stream().map(Gbnf::literal).toList()));
    }

    private String keyCharacter() {
        return rules.shared("key-char", () -> plainClass(new TreeSet<>()) + " | " + keyEscape());
    }
}
