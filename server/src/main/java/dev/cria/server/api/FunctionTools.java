package dev.cria.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Function tools as the chat APIs that share OpenAI's tool shape send them (OpenAI chat
 * completions, Ollama's {@code /api/chat}): {@code [{"type": "function", "function": {"name",
 * "description", "parameters"}}]}, and the test that tells whether generated text may be a call of one.
 */
public final class FunctionTools {
    private FunctionTools() {
    }

    /** The {@code tools} array as plain values for the chat template, or an empty list; a malformed tool is a 400 naming it. */
    public static List<Object> read(RequestFields f) {
        JsonNode v = f.get("tools");
        if (v == null) return List.of();
        if (!v.isArray()) throw f.wrongType("tools", "an array", v);
        List<Object> out = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
            JsonNode t = v.get(i);
            String param = f.param("tools[" + i + "]");
            if (!(t instanceof ObjectNode tool)) {
                throw ApiError.badRequest("Invalid type for '" + param + "': expected an object, but got "
                        + RequestFields.describe(t) + " instead.", param, "invalid_type");
            }
            String type = new RequestFields(tool, param + ".").string("type");
            if (type != null && !type.equals("function")) {
                throw ApiError.badRequest("Invalid value: '" + type + "'. Supported values are: 'function'.", param + ".type",
                        "invalid_value");
            }
            JsonNode fn = tool.get("function");
            if (!(fn instanceof ObjectNode function) || fn.get("name") == null || !fn.get("name").isTextual()) {
                throw ApiError.badRequest("Invalid tool: '" + param + ".function.name' is required.", param + ".function.name");
            }
            RequestFields fields = new RequestFields(function, param + ".function.");
            fields.string("description");
            JsonNode parameters = fields.get("parameters");
            if (parameters != null && !parameters.isObject()) throw fields.wrongType("parameters", "an object", parameters);
            out.add(ApiJson.toPlain(tool));
        }
        return out;
    }

    /**
     * Whether generated text may be a tool call: Llama 3 writes a call as a JSON object (or after
     * {@code <|python_tag|>}), so it starts with '{', '[' or '<' after whitespace. Streaming holds such
     * text back until the end; both paths use this same test, so stream and non-stream agree.
     */
    public static boolean mayBeCall(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) continue;
            return c == '{' || c == '[' || c == '<';
        }
        return true; // undecided: nothing but whitespace yet
    }
}
