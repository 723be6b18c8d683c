package dev.cria.server.generation;

import dev.cria.engine.Engine;

/**
 * A prompt sent as text to continue as it is, with no chat template: OpenAI's completions, Azure's
 * {@code /score}, Ollama's {@code /api/generate} with {@code raw: true}. Control tokens in the text
 * are recognised (a client may send a prompt it templated itself, as llama.cpp and vLLM allow), and
 * BOS is put first when the model wants it and the text lacks it.
 */
public final class RawPrompt {
    private RawPrompt() {
    }

    /** The token ids of {@code text}; empty only when the text is empty and the model adds no BOS. */
    public static int[] tokenize(Engine engine, String text) {
        int[] ids = engine.tokenize(text, true);
        if (engine.addBos() && (ids.length == 0 || ids[0] != engine.bosId())) {
            int[] withBos = new int[ids.length + 1];
            withBos[0] = engine.bosId();
            System.arraycopy(ids, 0, withBos, 1, ids.length);
            ids = withBos;
        }
        return ids;
    }
}
