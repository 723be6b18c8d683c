package dev.cria.grammar.json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Walks one JSON Schema (JSON Schema 2020-12, with draft 4–7 spellings where they differ:
 * {@code definitions}, boolean {@code exclusiveMinimum}, array {@code items}) and writes its
 * grammar. Each schema node becomes a rule (or a shared one); each {@code $ref} target becomes one
 * rule, named before its body is written, so recursive schemas are recursive rules.
 *
 * <p>Keywords fall in four groups: annotations, which constrain nothing and are fine; the keywords
 * this compiler enforces; validation keywords it cannot enforce, which are refused with their path
 * ({@link Keywords#REFUSED}); and keywords JSON Schema does not define, which JSON Schema says to
 * ignore (2020-12 core §4.3.1) and so does this compiler.
 */
final class SchemaCompiler {
    /** The largest count a grammar repeats ({@code {m,n}}), as the GBNF parser allows. */
    static final int MAX_COUNT = 10_000;
    /**
     * Schemas compiled inside one another, reference targets included (each is compiled where it is
     * first met): far beyond real schemas, far below what overflows a thread's stack.
     */
    static final int MAX_DEPTH = 128;

    private final Object root;
    private final GbnfRules rules = new GbnfRules();
    private final JsonRules json = new JsonRules(rules);
    private final ObjectGrammar objects = new ObjectGrammar(this, rules, json);
    private final ArrayGrammar arrays = new ArrayGrammar(this, json);
    private final StringFormats formats = new StringFormats(rules);
    private final RegexGrammar patterns = new RegexGrammar(rules, json);
    /** Rule name of each {@code $ref} target, by JSON Pointer. */
    private final Map<String, String> refRules = new HashMap<>();
    /** Targets entered since the last character written: meeting one again is a loop that writes nothing. */
    private Set<String> openRefs = new HashSet<>();
    private int depth;

    SchemaCompiler(Object root) {
        this.root = root;
    }

    String compile() {
        rules.claim("root");
        refRules.put("", "root");
        openRefs.add("");
        rules.define("root", expression(root, SchemaPath.ROOT, "root"));
        return rules.text();
    }

    /** A rule name for {@code schema}: a shared rule, or a new one named like {@code hint}. */
    String rule(Object schema, SchemaPath path, String hint) {
        String expression = expression(schema, path, hint);
        return Gbnf.isName(expression) ? expression : rules.add(hint, expression);
    }

    private String expression(Object schema, SchemaPath path, String hint) {
        if (depth >= MAX_DEPTH) {
            String where = path.pointer().substring(path.pointer().lastIndexOf('/') + 1);
            throw new UnsupportedSchemaException(where, path.pointer(), "schemas nested more than " + MAX_DEPTH + " deep (references included)");
        }
        depth++;
        try {
            return nestedExpression(schema, path, hint);
        } finally {
            depth--;
        }
    }

    private String nestedExpression(Object schema, SchemaPath path, String hint) {
        if (Boolean.TRUE.equals(schema)) return json.value();
        if (Boolean.FALSE.equals(schema)) throw new InvalidSchemaException("false", path.pointer(), "no value is valid here");
        if (!(schema instanceof Map<?, ?>)) {
            String where = path.pointer().substring(path.pointer().lastIndexOf('/') + 1);
            throw new InvalidSchemaException(where, path.pointer(), "a schema is an object or a boolean");
        }
        @SuppressWarnings("unchecked") Map<String, Object> node = (Map<String, Object>) schema;
        for (String key : node.keySet()) {
            String why = Keywords.REFUSED.get(key);
            if (why != null && !Keywords.isNoOp(key, node.get(key))) throw path.unsupported(key, why);
        }
        if (node.containsKey("$ref")) {
            Keywords.refuseSiblings(node, path, "$ref", Set.of("$ref"));
            if (!(node.get("$ref") instanceof String ref)) throw path.invalid("$ref", "not a string");
            return reference(ref, path);
        }
        if (node.containsKey("allOf")) {
            // One branch and nothing beside it is that branch: pydantic writes {"allOf": [{"$ref": ...}], "default": ...}.
            if (node.get("allOf") instanceof List<?> only && only.size() == 1 && Keywords.onlyAnnotationsBeside(node, "allOf")) {
                return expression(only.getFirst(), path.child("allOf").child(0), hint);
            }
            return expression(AllOfMerge.merge(node, path, this::resolve), path, hint);
        }
        for (String keyword : List.of("anyOf", "oneOf")) {
            if (!node.containsKey(keyword)) continue;
            Keywords.refuseSiblings(node, path, keyword, Set.of(keyword));
            List<?> branches = list(node, keyword, path);
            if (keyword.equals("oneOf")) OneOfDisjointness.check(branches, path.child("oneOf"), this::resolve);
            List<String> options = new ArrayList<>();
            for (int i = 0; i < branches.size(); i++) {
                if (Boolean.FALSE.equals(branches.get(i))) continue;
                options.add(rule(branches.get(i), path.child(keyword).child(i), hint + "-" + i));
            }
            if (options.isEmpty()) throw path.invalid(keyword, "every branch is false");
            return Gbnf.anyOf(options);
        }
        Set<String> types = types(node, path);
        if (node.containsKey("enum") || node.containsKey("const")) return fixedValues(node, path, types);
        if (types.isEmpty()) return json.value();
        List<String> options = new ArrayList<>();
        for (String type : types) options.add(typed(type, node, path, hint));
        return Gbnf.anyOf(options);
    }

    private String typed(String type, Map<String, Object> node, SchemaPath path, String hint) {
        return switch (type) {
            case "object" -> afterACharacter(() -> objects.expression(node, path, hint));
            case "array" -> afterACharacter(() -> arrays.expression(node, path, hint));
            case "string" -> Keywords.STRING_KEYWORDS.stream().noneMatch(node::containsKey) ? json.string()
                    : "\"\\\"\" " + stringContent(node, path) + " \"\\\"\"";
            case "integer" -> integer(node, path);
            case "number" -> NumberBounds.expression(node, path, json);
            case "boolean" -> json.bool();
            case "null" -> json.nul();
            default -> throw path.invalid("type", "unknown type '" + type + "'");
        };
    }

    /** Compiles the inside of a container: its first character is written, so references there start afresh. */
    private String afterACharacter(java.util.function.Supplier<String> inside) {
        Set<String> saved = openRefs;
        openRefs = new HashSet<>();
        try {
            return inside.get();
        } finally {
            openRefs = saved;
        }
    }

    /** The types a schema allows: its {@code type}, else the types its keywords are about (empty: any). */
    private static Set<String> types(Map<String, Object> node, SchemaPath path) {
        Set<String> types = new LinkedHashSet<>();
        Object type = node.get("type");
        if (type instanceof String s) types.add(s);
        else if (type instanceof List<?> list) {
            for (Object t : list) {
                if (!(t instanceof String s)) throw path.invalid("type", "not a string or an array of strings");
                types.add(s);
            }
            if (types.isEmpty()) throw path.invalid("type", "an empty list allows no value");
        } else if (type != null) {
            throw path.invalid("type", "not a string or an array of strings");
        } else if (!node.containsKey("enum") && !node.containsKey("const")) {
            // No type: narrowed to the types the keywords constrain (as llama.cpp does); outputs still validate.
            for (String keyword : node.keySet()) {
                String about = Keywords.TYPE_OF.get(keyword);
                if (about != null) types.add(about);
            }
        }
        if (types.contains("number")) types.remove("integer"); // every integer is a number
        return types;
    }

    /** {@code enum} / {@code const}: the listed values, in their compact JSON spelling, of the allowed types. */
    private String fixedValues(Map<String, Object> node, SchemaPath path, Set<String> types) {
        Keywords.refuseSiblings(node, path, node.containsKey("enum") ? "enum" : "const", Set.of("enum", "const", "type"));
        List<Object> values = new ArrayList<>();
        if (node.containsKey("enum")) values.addAll(list(node, "enum", path));
        else values.add(node.get("const"));
        if (node.containsKey("enum") && node.containsKey("const")) {
            String constant = JsonText.write(node.get("const"));
            values.removeIf(v -> !JsonText.write(v).equals(constant));
        }
        Set<String> options = new LinkedHashSet<>(); // an enum of thousands: no quadratic de-duplication
        for (Object value : values) {
            if (types.isEmpty() || types.contains(Keywords.typeOf(value))
                    || (Keywords.typeOf(value).equals("integer") && types.contains("number"))) {
                options.add(Gbnf.literal(JsonText.write(value)));
            }
        }
        if (options.isEmpty()) throw path.invalid(node.containsKey("enum") ? "enum" : "const", "no listed value is of the allowed type");
        return Gbnf.anyOf(List.copyOf(options));
    }

    private String stringContent(Map<String, Object> node, SchemaPath path) {
        if (node.containsKey("format")) {
            if (!(node.get("format") instanceof String format)) throw path.invalid("format", "not a string");
            String content = formats.content(format);
            if (content == null) {
                throw path.unsupported("format", "'" + format + "' is not a format the grammar enforces (date, date-time, time, email, uuid)");
            }
            for (String other : List.of("pattern", "minLength", "maxLength")) {
                if (node.containsKey(other)) throw path.unsupported(other, "beside format");
            }
            return content;
        }
        if (node.containsKey("pattern")) {
            if (!(node.get("pattern") instanceof String pattern)) throw path.invalid("pattern", "not a string");
            for (String other : List.of("minLength", "maxLength")) {
                if (node.containsKey(other)) throw path.unsupported(other, "beside pattern (put the length in the pattern)");
            }
            return patterns.content(pattern, path);
        }
        long min = count(node, "minLength", path, 0);
        long max = count(node, "maxLength", path, -1);
        if (max >= 0 && min > max) throw path.invalid("minLength", "minLength " + min + " exceeds maxLength " + max);
        if (min > MAX_COUNT) throw path.unsupported("minLength", "above " + MAX_COUNT);
        if (max > MAX_COUNT) throw path.unsupported("maxLength", "above " + MAX_COUNT + " (leave it out: a string's length is bounded by the token budget)");
        // JSON Schema counts characters (code points, §6.3.1); so does a GBNF class: an escape is one character.
        return Gbnf.repeat(json.character(), (int) min, (int) max);
    }

    private String integer(Map<String, Object> node, SchemaPath path) {
        BigInteger[] range = NumberBounds.integerRange(node, path);
        if (range == null) return json.integer();
        return IntegerRange.expression(range[0], range[1]);
    }

    private String reference(String ref, SchemaPath path) {
        if (!ref.startsWith("#")) {
            throw path.unsupported("$ref", "only references inside the schema (#, #/$defs/...) are resolved, not '" + ref + "'");
        }
        String pointer = URLDecoder.decode(ref.substring(1), StandardCharsets.UTF_8);
        if (!pointer.isEmpty() && !pointer.startsWith("/")) {
            throw path.unsupported("$ref", "anchors ('" + ref + "') are not resolved; use a JSON Pointer (#/$defs/...)");
        }
        String known = refRules.get(pointer);
        if (known != null) {
            if (openRefs.contains(pointer)) throw path.invalid("$ref", "'" + ref + "' refers back to itself before any value is written");
            return known;
        }
        Object target = resolve(pointer);
        if (target == null) throw path.invalid("$ref", "nothing at '" + ref + "'");
        String segment = pointer.substring(pointer.lastIndexOf('/') + 1);
        String name = rules.reserve(segment);
        refRules.put(pointer, name);
        openRefs.add(pointer);
        try {
            rules.define(name, expression(target, new SchemaPath(pointer), name));
        } finally {
            openRefs.remove(pointer);
        }
        return name;
    }

    /** The value at a JSON Pointer (RFC 6901) in the root schema, or null. */
    Object resolve(String pointer) {
        Object at = root;
        if (pointer.isEmpty()) return at;
        for (String raw : pointer.substring(1).split("/", -1)) {
            String token = raw.replace("~1", "/").replace("~0", "~");
            if (at instanceof Map<?, ?> map) at = map.get(token);
            else if (at instanceof List<?> list && token.matches("\\d{1,9}") && Integer.parseInt(token) < list.size()) {
                at = list.get(Integer.parseInt(token));
            } else return null;
        }
        return at;
    }

    static List<?> list(Map<String, Object> node, String keyword, SchemaPath path) {
        if (!(node.get(keyword) instanceof List<?> list) || list.isEmpty()) throw path.invalid(keyword, "not a non-empty array");
        return list;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> objectOrEmpty(Map<String, Object> node, String keyword, SchemaPath path) {
        Object value = node.get(keyword);
        if (value == null) return Map.of();
        if (!(value instanceof Map<?, ?>)) throw path.invalid(keyword, "not an object");
        return (Map<String, Object>) value;
    }

    /** A non-negative integer keyword ({@code minItems}, {@code maxLength}, ...), or {@code absent}. */
    static long count(Map<String, Object> node, String keyword, SchemaPath path, long absent) {
        Object value = node.get(keyword);
        if (value == null) return absent;
        BigDecimal number = NumberBounds.decimal(value);
        if (number == null || number.signum() < 0 || number.stripTrailingZeros().scale() > 0) {
            throw path.invalid(keyword, "not a non-negative integer");
        }
        return number.setScale(0, RoundingMode.UNNECESSARY).min(BigDecimal.valueOf(Long.MAX_VALUE)).longValueExact();
    }
}
