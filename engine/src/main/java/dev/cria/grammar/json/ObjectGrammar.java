package dev.cria.grammar.json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code "type": "object"}: {@code properties}, {@code required}, {@code additionalProperties}
 * (JSON Schema 2020-12 §10.3.2).
 *
 * <p>Declared properties come in their declared order, each at most once; a required one always,
 * an optional one or not (any subset), with commas only between those present. The rule for "the
 * properties from i on, none written yet" is: property i then the rest (each with a leading
 * comma), or, if i is optional, the properties from i+1 on; so an object of n properties needs n
 * small rules, not 2^n alternatives.
 *
 * <p>{@code additionalProperties}: {@code false} allows no other key; {@code true} or a schema
 * allows other keys (never one of the declared names, see {@link OtherKeyGrammar}) after the
 * declared ones. <b>Absent</b>, JSON Schema says any other key is allowed; like llama.cpp's
 * json-schema-to-grammar and xgrammar's strict mode (vLLM's default), the grammar then allows
 * <em>none</em> when the schema declares {@code properties}: every output still validates, and a
 * model that was asked for {name, age} is not invited to add keys. A schema with neither
 * {@code properties} nor {@code additionalProperties} takes any object.
 */
final class ObjectGrammar {
    private final SchemaCompiler compiler;
    private final GbnfRules rules;
    private final JsonRules json;

    ObjectGrammar(SchemaCompiler compiler, GbnfRules rules, JsonRules json) {
        this.compiler = compiler;
        this.rules = rules;
        this.json = json;
    }

    private record Member(String name, String rule, boolean required) {
    }

    String expression(Map<String, Object> schema, SchemaPath path, String hint) {
        Map<String, Object> properties = SchemaCompiler.objectOrEmpty(schema, "properties", path);
        Set<String> required = requiredNames(schema, path);
        Object additional = schema.get("additionalProperties");
        if (properties.isEmpty() && required.isEmpty() && (additional == null || Boolean.TRUE.equals(additional))) {
            return json.object();
        }
        Map<String, Object> declared = new LinkedHashMap<>(properties);
        for (String name : required) {
            if (declared.containsKey(name)) continue;
            if (Boolean.FALSE.equals(additional)) {
                throw path.invalid("required", "'" + name + "' is required but additionalProperties is false and it is not among properties");
            }
            declared.put(name, additional == null ? Boolean.TRUE : additional); // required, described only by additionalProperties
        }
        if (additional == null) additional = properties.isEmpty() && required.isEmpty() ? Boolean.TRUE : Boolean.FALSE;
        String ws = json.ws();
        List<Member> members = new ArrayList<>();
        for (Map.Entry<String, Object> property : declared.entrySet()) {
            String name = property.getKey();
            boolean isRequired = required.contains(name);
            SchemaPath at = properties.containsKey(name) ? path.child("properties").child(name) : path.child("additionalProperties");
            if (Boolean.FALSE.equals(property.getValue())) {
                if (isRequired) throw path.invalid("required", "'" + name + "' is required but its schema is false");
                continue; // may not appear: leave it out
            }
            String value = compiler.rule(property.getValue(), at, hint + "-" + name);
            String member = rules.add(hint + "-" + name + "-kv", Gbnf.literal(JsonText.quote(name)) + " " + ws + " \":\" " + ws + " " + value + " " + ws);
            members.add(new Member(name, member, isRequired));
        }
        String extra = null;
        if (!Boolean.FALSE.equals(additional)) {
            String key = declared.isEmpty() ? json.string() : new OtherKeyGrammar(rules).rule(hint, declared.keySet());
            String value = compiler.rule(additional, path.child("additionalProperties"), hint + "-additional");
            extra = rules.add(hint + "-additional-kv", key + " " + ws + " \":\" " + ws + " " + value + " " + ws);
        }
        return "\"{\" " + ws + " " + from(0, members, extra, hint) + " \"}\"";
    }

    /** Members i.. with none written yet. */
    private String from(int i, List<Member> members, String extra, String hint) {
        if (i == members.size()) {
            return extra == null ? "\"\"" : "( " + extra + " ( \",\" " + json.ws() + " " + extra + " )* )?";
        }
        Member member = members.get(i);
        String thisOne = join(member.rule(), after(i + 1, members, extra));
        if (member.required()) return thisOne;
        return rules.add(hint + "-from-" + member.name(), thisOne + " | " + from(i + 1, members, extra, hint));
    }

    /** Members i.. after at least one was written: each with its comma. */
    private String after(int i, List<Member> members, String extra) {
        String ws = json.ws();
        StringBuilder b = new StringBuilder();
        for (int j = i; j < members.size(); j++) {
            Member member = members.get(j);
            String item = "\",\" " + ws + " " + member.rule();
            b.append(member.required() ? item : "( " + item + " )?").append(' ');
        }
        if (extra != null) b.append("( \",\" ").append(ws).append(' ').append(extra).append(" )*");
        return b.toString().strip();
    }

    private static String join(String a, String b) {
        return b.isEmpty() ? a : a + " " + b;
    }

    private static Set<String> requiredNames(Map<String, Object> schema, SchemaPath path) {
        Object required = schema.get("required");
        Set<String> names = new LinkedHashSet<>();
        if (required == null) return names;
        if (!(required instanceof List<?> list)) throw path.invalid("required", "not an array");
        for (Object name : list) {
            if (!(name instanceof String s)) throw path.invalid("required", "not an array of strings");
            names.add(s);
        }
        return names;
    }
}
