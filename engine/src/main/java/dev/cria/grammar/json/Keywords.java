package dev.cria.grammar.json;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.util.Map.entry;

/** Which JSON Schema keywords the compiler enforces, which it refuses, and what each is about. */
final class Keywords {
    private Keywords() {
    }

    /** Validation keywords (2020-12 and drafts 4–7) a grammar cannot enforce, with the reason given. */
    static final Map<String, String> REFUSED = Map.ofEntries(
            entry("not", "a grammar cannot exclude the values of a schema"),
            entry("if", "conditional schemas are not supported"),
            entry("then", "conditional schemas are not supported"),
            entry("else", "conditional schemas are not supported"),
            entry("dependentSchemas", "schemas that depend on a property's presence are not supported"),
            entry("dependentRequired", "requirements that depend on a property's presence are not supported"),
            entry("dependencies", "requirements that depend on a property's presence are not supported"),
            entry("patternProperties", "property names matched by patterns are not supported"),
            entry("propertyNames", "constraints on property names are not supported"),
            entry("unevaluatedProperties", "unevaluated properties are not supported (use additionalProperties)"),
            entry("unevaluatedItems", "unevaluated items are not supported (use items)"),
            entry("contains", "a grammar cannot require that some item somewhere matches"),
            entry("minContains", "a grammar cannot count the items that match"),
            entry("maxContains", "a grammar cannot count the items that match"),
            entry("minProperties", "counting properties is not supported (use required)"),
            entry("maxProperties", "counting properties is not supported"),
            entry("multipleOf", "divisibility is not supported"),
            entry("uniqueItems", "a grammar cannot compare one item with another"),
            entry("$dynamicRef", "dynamic references are not supported"),
            entry("$recursiveRef", "dynamic references are not supported"));

    /** A refused keyword whose value constrains nothing, such as {@code "uniqueItems": false}. */
    static boolean isNoOp(String keyword, Object value) {
        return switch (keyword) {
            case "uniqueItems" -> Boolean.FALSE.equals(value);
            case "unevaluatedProperties", "unevaluatedItems" -> Boolean.TRUE.equals(value);
            case "minProperties", "minContains" -> value instanceof Long n && n == 0;
            default -> false;
        };
    }

    /** The type each type-specific keyword is about (JSON Schema 2020-12 validation §6.2–6.5, core §10.3). */
    static final Map<String, String> TYPE_OF = Map.ofEntries(
            entry("properties", "object"), entry("required", "object"), entry("additionalProperties", "object"),
            entry("items", "array"), entry("prefixItems", "array"), entry("additionalItems", "array"),
            entry("minItems", "array"), entry("maxItems", "array"),
            entry("minLength", "string"), entry("maxLength", "string"), entry("pattern", "string"), entry("format", "string"),
            entry("minimum", "number"), entry("maximum", "number"),
            entry("exclusiveMinimum", "number"), entry("exclusiveMaximum", "number"));

    static final Set<String> STRING_KEYWORDS = Set.of("minLength", "maxLength", "pattern", "format");

    private static final Set<String> COMBINING = Set.of("$ref", "anyOf", "oneOf", "allOf", "enum", "const", "type");

    /** Annotations: fine anywhere, they constrain nothing (2020-12 meta-data vocabulary, core identifiers). */
    static final Set<String> ANNOTATIONS = Set.of("title", "description", "examples", "default", "deprecated",
            "readOnly", "writeOnly", "$schema", "$id", "$comment", "$anchor", "$dynamicAnchor", "$recursiveAnchor",
            "$vocabulary", "$defs", "definitions", "contentMediaType", "contentEncoding", "contentSchema");

    /**
     * Refuses a constraining keyword beside {@code keyword} ({@code $ref}, {@code anyOf}, ...): the
     * two would have to hold at once, an intersection of schemas the compiler does not build.
     */
    static void refuseSiblings(Map<String, Object> node, SchemaPath path, String keyword, Set<String> allowed) {
        for (String key : node.keySet()) {
            if (allowed.contains(key)) continue;
            if (TYPE_OF.containsKey(key) || COMBINING.contains(key)) {
                throw path.unsupported(key, "beside " + keyword + " (both would have to hold; put it inside the "
                        + (keyword.equals("$ref") ? "referenced schema" : "branches") + ")");
            }
        }
    }

    /** Nothing beside {@code keyword} constrains: only annotations and keywords JSON Schema does not define. */
    static boolean onlyAnnotationsBeside(Map<String, Object> node, String keyword) {
        for (String key : node.keySet()) {
            if (!key.equals(keyword) && (TYPE_OF.containsKey(key) || COMBINING.contains(key) || REFUSED.containsKey(key))) return false;
        }
        return true;
    }

    /** A value's JSON Schema type; an integral number is an integer (2020-12 validation §6.1.1). */
    static String typeOf(Object value) {
        return switch (value) {
            case null -> "null";
            case Boolean b -> "boolean";
            case String s -> "string";
            case Long l -> "integer";
            case BigInteger i -> "integer";
            case Double d -> d == Math.rint(d) && Double.isFinite(d) ? "integer" : "number";
            case Number n -> "number";
            case Map<?, ?> m -> "object";
            case List<?> l -> "array";
            default -> throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
        };
    }
}
