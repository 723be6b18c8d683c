package dev.cria.cli;

import dev.cria.chat.ChatMessage;
import dev.cria.engine.Engine;
import dev.cria.engine.GenerationHandle;
import dev.cria.engine.GenerationRequest;

import java.util.ArrayList;
import java.util.List;

/**
 * A short generation nobody sees, started as soon as the model is loaded, while the user types.
 * The first forward passes run before the JIT has compiled the kernels (the first answer's first
 * token came 10x later than the next answers'): this pays that while the user is still typing, on
 * a prompt (a chat with the same system prompt) long enough to take the batched prefill route,
 * then a few one-token steps for the decode route. The chat cancels it when the first question is
 * sent, and the template's opening it leaves in the prefix cache is reused.
 */
final class Warmup {
    /** One-token steps after the prefill: enough calls for C2 to compile the decode kernels. */
    static final int DECODE_TOKENS = 8;

    private final GenerationHandle handle;

    private Warmup(GenerationHandle handle) {
        this.handle = handle;
    }

    static Warmup start(Engine engine, String system) {
        List<ChatMessage> chat = new ArrayList<>();
        if (system != null && !system.isBlank()) chat.add(ChatMessage.of("system", system));
        chat.add(ChatMessage.of("user", "Hello! Could you tell me, in a few words, what you can help me with today?"));
        int[] prompt = engine.renderChat(chat, null, true);
        return new Warmup(engine.submit(GenerationRequest.greedy(prompt, DECODE_TOKENS)));
    }

    /** Stops it if it still runs: the user's question goes first. */
    void cancel() {
        handle.cancel();
    }
}
