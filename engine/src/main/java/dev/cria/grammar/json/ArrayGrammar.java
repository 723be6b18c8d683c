package dev.cria.grammar.json;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code "type": "array"}: {@code prefixItems}, {@code items}, {@code minItems}, {@code maxItems}
 * (JSON Schema 2020-12 §10.3.1, §6.4), and draft 7's array form of {@code items} with
 * {@code additionalItems}. An array's length is not bounded without {@code maxItems}: like a
 * string, a model must close it before its token budget ends.
 */
final class ArrayGrammar {
    private final SchemaCompiler compiler;
    private final JsonRules json;

    ArrayGrammar(SchemaCompiler compiler, JsonRules json) {
        this.compiler = compiler;
        this.json = json;
    }

    String expression(Map<String, Object> schema, SchemaPath path, String hint) {
        List<String> prefix = new ArrayList<>();
        Object rest;
        Object items = schema.get("items");
        if (schema.containsKey("prefixItems")) {
            prefix = itemRules(schema.get("prefixItems"), path.child("prefixItems"), "prefixItems", path, hint);
            rest = items == null ? Boolean.TRUE : items;
            if (schema.containsKey("additionalItems")) throw path.unsupported("additionalItems", "beside prefixItems (use items)");
        } else if (items instanceof List<?>) { // draft 7 tuple form
            prefix = itemRules(items, path.child("items"), "items", path, hint);
            rest = schema.getOrDefault("additionalItems", Boolean.TRUE);
        } else {
            rest = items == null ? Boolean.TRUE : items; // draft 7's additionalItems constrains nothing here
        }
        long min = SchemaCompiler.count(schema, "minItems", path, 0);
        long max = SchemaCompiler.count(schema, "maxItems", path, -1);
        if (max >= 0 && min > max) throw path.invalid("minItems", "minItems " + min + " exceeds maxItems " + max);
        String restRule = null;
        if (!Boolean.FALSE.equals(rest)) {
            SchemaPath restPath = schema.containsKey("prefixItems") || !(items instanceof List<?>)
                    ? path.child("items") : path.child("additionalItems");
            restRule = compiler.rule(rest, restPath, hint + "-item");
        } else if (min > prefix.size()) {
            throw path.invalid("minItems", "minItems " + min + " but no item may follow the " + prefix.size() + " prefix items");
        }
        if (restRule == null && (max < 0 || max > prefix.size())) max = prefix.size();
        if (min > SchemaCompiler.MAX_COUNT) throw path.unsupported("minItems", "above " + SchemaCompiler.MAX_COUNT);
        if (max > SchemaCompiler.MAX_COUNT) throw path.unsupported("maxItems", "above " + SchemaCompiler.MAX_COUNT);
        return "\"[\" " + json.ws() + " " + elements(0, prefix, restRule, (int) min, (int) max) + " \"]\"";
    }

    /** Elements from index i on (i of them written), for a length in [min, max] (max < 0: unbounded). */
    private String elements(int i, List<String> prefix, String rest, int min, int max) {
        String ws = json.ws();
        String comma = i == 0 ? "" : "\",\" " + ws + " ";
        if (max >= 0 && i >= max) return "\"\"";
        if (i < prefix.size()) {
            String here = comma + prefix.get(i) + " " + ws;
            String more = elements(i + 1, prefix, rest, min, max);
            String both = more.equals("\"\"") ? here : here + " " + more;
            return i < min ? both : "( " + both + " )?";
        }
        // Only rest items from here: between min-i and max-i more of them.
        int least = Math.max(min - i, 0);
        int most = max < 0 ? -1 : max - i;
        String item = rest + " " + ws;
        if (i > 0) return Gbnf.repeat("( \",\" " + ws + " " + item + " )", least, most);
        String tail = Gbnf.repeat("( \",\" " + ws + " " + item + " )", Math.max(least - 1, 0), most < 0 ? -1 : most - 1);
        String some = tail.equals("\"\"") ? item : item + " " + tail;
        return least >= 1 ? some : "( " + some + " )?";
    }

    private List<String> itemRules(Object list, SchemaPath at, String keyword, SchemaPath path, String hint) {
        if (!(list instanceof List<?> schemas)) throw path.invalid(keyword, "not an array of schemas");
        List<String> rules = new ArrayList<>();
        for (int i = 0; i < schemas.size(); i++) rules.add(compiler.rule(schemas.get(i), at.child(i), hint + "-" + i));
        return rules;
    }
}
