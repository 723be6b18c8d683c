package dev.cria.server.structured;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.cria.server.api.ApiJson;

/**
 * Reads, as it streams, text that {@link dev.cria.grammar.json.ToolCallGrammar} constrains — {@code {"name": NAME,
 * "parameters": ARGS}} calls separated by {@code "; "} — and reports each call's start once its name
 * is complete and its arguments as they grow, so an API can stream them (OpenAI's tool-call deltas:
 * first index, id, type and name, then argument fragments; the Responses API's
 * {@code function_call_arguments.delta}; Anthropic's {@code input_json_delta}). The grammar
 * guarantees the shape, so this reader only tracks where it is.
 */
public final class ToolCallStream {
    /** What the reader reports. */
    public interface Listener {
        void callStarted(int index, String name);

        void arguments(int index, String fragment);
    }

    private enum Part { BEFORE_NAME, NAME, BEFORE_ARGS, ARGS, AFTER_CALL }

    private static final String BEFORE_NAME = "{\"name\": ";
    private static final String BEFORE_ARGS = ", \"parameters\": ";

    private final Listener listener;
    private Part part = Part.BEFORE_NAME;
    private int skipped;        // characters of the current literal already seen
    private final StringBuilder name = new StringBuilder();
    private boolean escaped;
    private boolean inString;
    private int depth;
    private int calls;

    public ToolCallStream(Listener listener) {
        this.listener = listener;
    }

    /** Calls started so far. */
    public int calls() {
        return calls;
    }

    public void accept(String text) {
        StringBuilder args = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (part) {
                case BEFORE_NAME -> skip(c, BEFORE_NAME, Part.NAME);
                case NAME -> {
                    name.append(c);
                    if (endsString(c) && name.length() > 1) {
                        listener.callStarted(calls++, decodeName());
                        name.setLength(0);
                        part = Part.BEFORE_ARGS;
                        skipped = 0;
                    }
                }
                case BEFORE_ARGS -> skip(c, BEFORE_ARGS, Part.ARGS);
                case ARGS -> {
                    if (!inString && (c == '}' || c == ']') && depth == 0) {
                        flush(args);
                        part = Part.AFTER_CALL;
                        continue;
                    }
                    args.append(c);
                    if (inString) {
                        endsString(c);
                    } else if (c == '"') {
                        inString = true;
                    } else if (c == '{' || c == '[') {
                        depth++;
                    } else if (c == '}' || c == ']') {
                        depth--;
                    }
                }
                case AFTER_CALL -> {
                    // "; " between calls: the next '{' starts one.
                    if (c == '{') {
                        part = Part.BEFORE_NAME;
                        skipped = 1;
                    }
                }
            }
        }
        flush(args);
    }

    private void flush(StringBuilder args) {
        if (!args.isEmpty()) {
            listener.arguments(calls - 1, args.toString());
            args.setLength(0);
        }
    }

    private void skip(char c, String literal, Part next) {
        skipped++;
        if (skipped == literal.length()) {
            part = next;
            skipped = 0;
            inString = next == Part.NAME;
        }
    }

    /** Tracks a JSON string's escapes; true on its closing quote. */
    private boolean endsString(char c) {
        if (escaped) {
            escaped = false;
            return false;
        }
        if (c == '\\') {
            escaped = true;
            return false;
        }
        if (c == '"') {
            if (part == Part.NAME && name.length() == 1) return false; // the opening quote
            inString = false;
            return true;
        }
        return false;
    }

    private String decodeName() {
        try {
            return ApiJson.MAPPER.readValue(name.toString(), String.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the grammar let a malformed tool name through: " + name, e);
        }
    }
}
