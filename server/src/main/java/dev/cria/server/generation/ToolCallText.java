package dev.cria.server.generation;

/**
 * What every API that offers tools must decide while text streams: whether the generated text may
 * still turn out to be a tool call, and so must be held back rather than sent as text.
 */
public final class ToolCallText {
    private ToolCallText() {
    }

    /**
     * Whether generated text may be a tool call: Llama 3 writes a call as a JSON object (or after
     * {@code <|python_tag|>}), so it starts with '{', '[' or '<' after whitespace. Streaming holds such
     * text back until the end; both paths use this same test, so stream and non-stream agree.
     */
    public static boolean mayBeToolCall(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) continue;
            return c == '{' || c == '[' || c == '<';
        }
        return true; // undecided: nothing but whitespace yet
    }
}
