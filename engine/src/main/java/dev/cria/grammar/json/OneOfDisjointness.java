package dev.cria.grammar.json;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code oneOf} (JSON Schema 2020-12 §10.2.1.3) is valid when exactly one branch matches. A grammar
 * can take the union of the branches, not exclude a value that two of them match; so {@code oneOf}
 * is compiled as the union only when no value can match two branches, which this class proves
 * cheaply: the branches differ in type, or list different fixed values, or are objects that both
 * require one property with different fixed values (a discriminator, as pydantic and OpenAPI write
 * tagged unions). Otherwise {@code oneOf} is refused; {@code anyOf} says what such schemas mean.
 */
final class OneOfDisjointness {
    private OneOfDisjointness() {
    }

    private static final Set<String> ALL = Set.of("null", "boolean", "object", "array", "string", "integer", "number");

    static void check(List<?> branches, SchemaPath oneOf, Function<String, Object> resolve) {
        for (int i = 0; i < branches.size(); i++) {
            for (int j = i + 1; j < branches.size(); j++) {
                if (!disjoint(follow(branches.get(i), resolve), follow(branches.get(j), resolve), resolve)) {
                    throw new UnsupportedSchemaException("oneOf", oneOf.pointer(), "branches " + i + " and " + j
                            + " may both match one value, and a grammar cannot exclude it (make them differ by type or by a"
                            + " required property with a const, or use anyOf)");
                }
            }
        }
    }

    private static boolean disjoint(Object a, Object b, Function<String, Object> resolve) {
        if (Boolean.FALSE.equals(a) || Boolean.FALSE.equals(b)) return true;
        if (!(a instanceof Map<?, ?> x) || !(b instanceof Map<?, ?> y)) return false;
        Set<String> common = new HashSet<>(types(x));
        common.retainAll(types(y));
        if (common.isEmpty()) return true;
        Set<String> valuesX = fixedValues(x);
        Set<String> valuesY = fixedValues(y);
        if (valuesX != null && valuesY != null && valuesX.stream().noneMatch(valuesY::contains)) return true;
        if (!common.equals(Set.of("object"))) return false;
        if (!(x.get("properties") instanceof Map<?, ?> px) || !(y.get("properties") instanceof Map<?, ?> py)) return false;
        if (!(x.get("required") instanceof List<?> rx) || !(y.get("required") instanceof List<?> ry)) return false;
        for (Object name : rx) {
            if (!ry.contains(name)) continue;
            Object sx = follow(px.get(name), resolve);
            Object sy = follow(py.get(name), resolve);
            if (sx instanceof Map<?, ?> mx && sy instanceof Map<?, ?> my) {
                Set<String> vx = fixedValues(mx);
                Set<String> vy = fixedValues(my);
                if (vx != null && vy != null && vx.stream().noneMatch(vy::contains)) return true;
            }
        }
        return false;
    }

    /** The types a schema's values may have, by its own {@code type}, {@code enum} or {@code const}. */
    private static Set<String> types(Map<?, ?> schema) {
        Set<String> types = new HashSet<>();
        Object type = schema.get("type");
        if (type instanceof String s) types.add(s);
        else if (type instanceof List<?> list) list.forEach(t -> types.add(String.valueOf(t)));
        else {
            Set<String> values = fixedValues(schema);
            if (values == null) return ALL;
            if (schema.containsKey("const")) types.add(Keywords.typeOf(schema.get("const")));
            if (schema.get("enum") instanceof List<?> list) list.forEach(v -> types.add(Keywords.typeOf(v)));
        }
        if (types.contains("number")) types.add("integer"); // "number" takes integers too
        if (types.contains("integer")) types.add("number");  // and an integer is a number
        return types;
    }

    /** The JSON spellings of a schema's fixed values, or null when it has none. */
    private static Set<String> fixedValues(Map<?, ?> schema) {
        if (schema.containsKey("const")) return Set.of(JsonText.write(schema.get("const")));
        if (schema.get("enum") instanceof List<?> list) {
            Set<String> values = new HashSet<>();
            for (Object v : list) values.add(JsonText.write(v));
            return values;
        }
        return null;
    }

    private static Object follow(Object schema, Function<String, Object> resolve) {
        for (int hops = 0; hops < 32 && schema instanceof Map<?, ?> map && map.get("$ref") instanceof String ref && ref.startsWith("#"); hops++) {
            schema = resolve.apply(URLDecoder.decode(ref.substring(1), StandardCharsets.UTF_8));
        }
        return schema;
    }
}
