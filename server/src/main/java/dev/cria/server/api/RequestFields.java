package dev.cria.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Typed, range-checked reads of request fields. An absent field and an explicit {@code null} both
 * mean "not given" (as the OpenAI API treats them); a wrong type or a value out of range is a 400
 * whose {@code param} names the field, worded like OpenAI's own validation errors.
 *
 * @param node   the JSON object read
 * @param prefix how its fields are named in errors ("" at the top level, "input_data.parameters." below)
 */
public record RequestFields(ObjectNode node, String prefix) {
    public static RequestFields of(ObjectNode node) {
        return new RequestFields(node, "");
    }

    public String param(String name) {
        return prefix + name;
    }

    /** The raw value, or null when absent or JSON null. */
    public JsonNode get(String name) {
        JsonNode v = node.get(name);
        return v == null || v.isNull() ? null : v;
    }

    public boolean has(String name) {
        return get(name) != null;
    }

    public String string(String name) {
        JsonNode v = get(name);
        if (v == null) return null;
        if (!v.isTextual()) throw wrongType(name, "a string", v);
        return v.textValue();
    }

    public String requiredString(String name) {
        String s = string(name);
        if (s == null) throw ApiError.badRequest("Missing required parameter: '" + param(name) + "'.", param(name));
        return s;
    }

    public Boolean bool(String name) {
        JsonNode v = get(name);
        if (v == null) return null;
        if (!v.isBoolean()) throw wrongType(name, "a boolean", v);
        return v.booleanValue();
    }

    public boolean bool(String name, boolean dflt) {
        Boolean b = bool(name);
        return b == null ? dflt : b;
    }

    public Double number(String name, double min, double max) {
        JsonNode v = get(name);
        if (v == null) return null;
        if (!v.isNumber()) throw wrongType(name, "a decimal", v);
        double d = v.doubleValue();
        if (Double.isNaN(d) || d < min) throw outOfRange(name, "decimal below minimum value", ">= " + plain(min), v);
        if (d > max) throw outOfRange(name, "decimal above maximum value", "<= " + plain(max), v);
        return d;
    }

    public Long integer(String name, long min, long max) {
        JsonNode v = get(name);
        if (v == null) return null;
        // 2.0 is accepted as 2 (JSON has one number type); 2.5 is not an integer.
        if (!v.isNumber() || !(v.isIntegralNumber() || v.canConvertToExactIntegral())) {
            throw wrongType(name, "an integer", v);
        }
        // An integer beyond 64 bits (10^19, 1e30) is still an integer: out of range, not of the wrong type.
        if (!v.canConvertToLong()) {
            if (v.bigIntegerValue().signum() < 0) throw outOfRange(name, "integer below minimum value", ">= " + min, v);
            throw outOfRange(name, "integer above maximum value", "<= " + max, v);
        }
        long n = v.longValue();
        if (n < min) throw outOfRange(name, "integer below minimum value", ">= " + min, v);
        if (n > max) throw outOfRange(name, "integer above maximum value", "<= " + max, v);
        return n;
    }

    /**
     * The token ids of the JSON array {@code ids} (field {@code name}, inside {@code whole} for the
     * type error): each an integer in {@code 0..vocabSize-1}. The range is checked on the number as
     * sent, never on a narrowed copy: 18446744073709561522 is 2^64 + 9906, out of range, not token 9906.
     */
    public int[] tokenIds(String name, JsonNode ids, JsonNode whole, int vocabSize) {
        int[] out = new int[ids.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode t = ids.get(i);
            if (!t.isIntegralNumber()) throw wrongType(name, "an array of token ids", whole);
            if (!t.canConvertToInt() || t.intValue() < 0 || t.intValue() >= vocabSize) {
                throw ApiError.badRequest("Invalid '" + param(name) + "': token id " + t.asText() + " is outside the vocabulary (0.."
                        + (vocabSize - 1) + ").", param(name));
            }
            out[i] = t.intValue();
        }
        return out;
    }

    public ApiError wrongType(String name, String expected, JsonNode got) {
        return ApiError.badRequest("Invalid type for '" + param(name) + "': expected " + expected + ", but got "
                + describe(got) + " instead.", param(name), "invalid_type");
    }

    private ApiError outOfRange(String name, String what, String expected, JsonNode got) {
        return ApiError.badRequest("Invalid '" + param(name) + "': " + what + ". Expected a value " + expected
                + ", but got " + got + " instead.", param(name), "invalid_value");
    }

    public static String describe(JsonNode v) {
        if (v == null || v.isNull()) return "null";
        if (v.isTextual()) return "a string";
        if (v.isBoolean()) return "a boolean";
        if (v.isIntegralNumber()) return "an integer";
        if (v.isNumber()) return "a decimal";
        if (v.isArray()) return "an array";
        return "an object";
    }

    private static String plain(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
