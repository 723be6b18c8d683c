package dev.cria.server.generation;

import dev.cria.server.api.FunctionTools;

/**
 * One streamed answer's text when tools are offered: text that may still turn out to be a tool call
 * ({@link FunctionTools#mayBeCall}) is held back; once it cannot be one, it and all that follows is
 * released at once. Without tools nothing is held.
 */
public final class ToolCallHold {
    private final StringBuilder whole = new StringBuilder();
    private final StringBuilder held = new StringBuilder();
    private boolean holding;

    public ToolCallHold(boolean toolsOffered) {
        this.holding = toolsOffered;
    }

    /** Takes new text; returns what may be sent now ("" while it is held). */
    public String release(String text) {
        whole.append(text);
        if (!holding) return text;
        held.append(text);
        if (FunctionTools.mayBeCall(held)) return "";
        holding = false;
        String out = held.toString();
        held.setLength(0);
        return out;
    }

    /** All text so far, held or not. */
    public String whole() {
        return whole.toString();
    }

    /** The text still held back (empty once released). */
    public String held() {
        return held.toString();
    }
}
