package dev.cria.api;

import java.util.Objects;

/**
 * A call of a {@link Tool} the model made (in a {@link ChatResult}), or one it made in an earlier
 * turn (in an assistant {@link Message}).
 *
 * @param id        an id to answer the call with ({@link Message#toolResult}); Cria makes one up
 *                  ({@code call_...}) for the calls it parses
 * @param name      the tool's name
 * @param arguments the arguments as JSON text, an object
 */
public record ToolCall(String id, String name, String arguments) {
    /** Checks the components and copies the lists (null means empty). */
    public ToolCall {
        Objects.requireNonNull(name, "name");
        if (arguments == null || arguments.isBlank()) arguments = "{}";
    }
}
