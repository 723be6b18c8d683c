package dev.cria.api;

import java.util.Objects;

/**
 * Whether the model must call a tool. {@link #required()} and {@link #function(String)} are enforced
 * while the model writes (its tokens are constrained by a grammar of valid calls), so the answer is a
 * call whose arguments follow the tool's schema, whatever the weights.
 */
public sealed interface ToolChoice {
    /** The model answers in text or calls tools, as it likes (the default). */
    static ToolChoice auto() {
        return Auto.INSTANCE;
    }

    /** The tools are shown, but the answer is not constrained to call them. */
    static ToolChoice none() {
        return None.INSTANCE;
    }

    /** The answer is one or more calls of any of the tools. */
    static ToolChoice required() {
        return Required.INSTANCE;
    }

    /** The answer is a call of the tool named {@code name}. */
    static ToolChoice function(String name) {
        return new Function(name);
    }

    /** See {@link ToolChoice#auto()}. */
    enum Auto implements ToolChoice {
        /** The only value. */
        INSTANCE
    }

    /** See {@link ToolChoice#none()}. */
    enum None implements ToolChoice {
        /** The only value. */
        INSTANCE
    }

    /** See {@link ToolChoice#required()}. */
    enum Required implements ToolChoice {
        /** The only value. */
        INSTANCE
    }

    /**
     * See {@link ToolChoice#function(String)}.
     *
     * @param name the tool the model must call
     */
    record Function(String name) implements ToolChoice {
        /** Checks that there is a name. */
        public Function {
            Objects.requireNonNull(name, "name");
        }
    }
}
