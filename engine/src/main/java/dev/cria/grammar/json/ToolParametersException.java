package dev.cria.grammar.json;

import dev.cria.grammar.GrammarException;

/** A tool's {@code parameters} schema that cannot be enforced; {@link #toolIndex} says which tool, the message why. */
public final class ToolParametersException extends GrammarException {
    private final int toolIndex;

    public ToolParametersException(int toolIndex, String message) {
        super(message);
        this.toolIndex = toolIndex;
    }

    /** The tool's place in the list given to {@link ToolCallGrammar}. */
    public int toolIndex() {
        return toolIndex;
    }
}
