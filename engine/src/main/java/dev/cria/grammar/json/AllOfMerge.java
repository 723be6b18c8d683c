package dev.cria.grammar.json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code allOf} of object schemas that only declare properties (the shape a class hierarchy
 * exports: a base class's properties plus a subclass's), merged into one object schema: the
 * properties in order, the union of {@code required}. Anything else inside {@code allOf} is
 * refused: an intersection of general schemas is not a grammar the compiler builds. Errors inside
 * the merged properties name the {@code allOf}'s schema, not the branch.
 */
final class AllOfMerge {
    private AllOfMerge() {
    }

    private static final Set<String> MERGED = Set.of("type", "properties", "required", "allOf");

    static Map<String, Object> merge(Map<String, Object> node, SchemaPath path, Function<String, Object> resolve) {
        List<Object> branches = new ArrayList<>();
        Map<String, Object> outer = new LinkedHashMap<>(node);
        outer.remove("allOf");
        branches.add(outer);
        List<?> listed = SchemaCompiler.list(node, "allOf", path);
        List<SchemaPath> paths = new ArrayList<>();
        paths.add(path);
        for (int i = 0; i < listed.size(); i++) {
            branches.add(listed.get(i));
            paths.add(path.child("allOf").child(i));
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        Set<Object> required = new LinkedHashSet<>();
        for (int i = 0; i < branches.size(); i++) {
            Object branch = follow(branches.get(i), paths.get(i), resolve);
            SchemaPath at = paths.get(i);
            if (Boolean.TRUE.equals(branch)) continue;
            if (!(branch instanceof Map<?, ?> map)) throw path.unsupported("allOf", "only object schemas merge (" + at + ")");
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                String key = (String) entry.getKey();
                Object value = entry.getValue();
                if (Keywords.ANNOTATIONS.contains(key) || (!Keywords.TYPE_OF.containsKey(key) && !Keywords.REFUSED.containsKey(key)
                        && !Set.of("type", "$ref", "anyOf", "oneOf", "enum", "const", "allOf").contains(key))) {
                    continue; // annotations and keywords JSON Schema does not define
                }
                if (!MERGED.contains(key) || (key.equals("allOf") && i > 0)) {
                    throw at.unsupported(key, "inside allOf only type object, properties and required merge");
                }
                switch (key) {
                    case "type" -> {
                        if (!"object".equals(value) && !List.of("object").equals(value)) {
                            throw at.unsupported("type", "inside allOf only object schemas merge");
                        }
                    }
                    case "properties" -> {
                        if (!(value instanceof Map<?, ?> props)) throw at.invalid("properties", "not an object");
                        for (Map.Entry<?, ?> p : props.entrySet()) {
                            if (properties.containsKey((String) p.getKey())) {
                                throw at.child("properties").unsupported((String) p.getKey(), "the property is declared in two branches of allOf");
                            }
                            properties.put((String) p.getKey(), p.getValue());
                        }
                    }
                    case "required" -> {
                        if (!(value instanceof List<?> names)) throw at.invalid("required", "not an array");
                        required.addAll(names);
                    }
                    default -> { // the allOf being merged
                    }
                }
            }
        }
        Map<String, Object> merged = new LinkedHashMap<>();
        merged.put("type", "object");
        merged.put("properties", properties);
        merged.put("required", new ArrayList<>(required));
        return merged;
    }

    /** A branch that is only a {@code $ref} (and annotations) stands for its target. */
    private static Object follow(Object branch, SchemaPath at, Function<String, Object> resolve) {
        for (int hops = 0; hops < 32 && branch instanceof Map<?, ?> map && map.get("$ref") instanceof String ref; hops++) {
            if (!ref.startsWith("#/") && !ref.equals("#")) throw at.unsupported("$ref", "only references inside the schema are resolved");
            for (Object key : map.keySet()) {
                if (!key.equals("$ref") && !Keywords.ANNOTATIONS.contains(key)) throw at.unsupported((String) key, "beside $ref inside allOf");
            }
            Object target = resolve.apply(java.net.URLDecoder.decode(ref.substring(1), java.nio.charset.StandardCharsets.UTF_8));
            if (target == null) throw at.invalid("$ref", "nothing at '" + ref + "'");
            branch = target;
        }
        return branch;
    }
}
