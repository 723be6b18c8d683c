package dev.cria.api;

/**
 * What a {@link ChatStream} yields: {@link Text} pieces as the model writes them, then exactly one
 * {@link Done} with the whole answer. The texts joined equal {@code Done.result().text()}.
 */
public sealed interface ChatDelta {
    /**
     * New text, complete characters only.
     *
     * @param text the piece, never empty
     */
    record Text(String text) implements ChatDelta {
    }

    /**
     * The end: the answer as {@link Cria#chat} would have returned it.
     *
     * @param result the whole answer, tool calls and usage included
     */
    record Done(ChatResult result) implements ChatDelta {
    }
}
