package dev.cria.server.openai;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cria.chat.ChatMessage;
import dev.cria.chat.ChatTemplate;
import dev.cria.server.api.ApiError;
import dev.cria.server.api.ApiJson;
import dev.cria.server.api.RequestFields;
import dev.cria.server.generation.GenerationSettings;

import java.util.List;

/**
 * An arbitrary request body through the validation a chat completion does before it reaches the
 * engine (as {@code ChatCompletions.prepare}: parse, messages, tools, generation settings, logprobs,
 * the chat template, the context-length check), with a stand-in vocabulary and context: the body is
 * accepted, or refused with an {@link ApiError} whose status is 400. Any other throwable would reach
 * the client as a 500 and is a finding.
 */
class ChatRequestFuzzTest {
    /** Llama 3's vocabulary and the tiny test model's context. */
    private static final int VOCAB_SIZE = 128_256;
    private static final int CONTEXT_LENGTH = 2048;

    @FuzzTest(maxDuration = "60s")
    void validateArbitraryBody(byte[] body) {
        try {
            RequestFields f = RequestFields.of(ApiJson.parseObject(body));
            List<ChatMessage> messages = ChatMessages.read(f);
            List<Object> tools = ChatMessages.tools(f);
            GenerationSettings s = GenerationSettings.read(f, VOCAB_SIZE, List.of("max_completion_tokens", "max_tokens"), null);
            boolean logprobs = f.bool("logprobs", false);
            Long top = f.integer("top_logprobs", 0, 20);
            String prompt;
            try {
                prompt = ChatTemplate.renderText(messages, tools.isEmpty() ? null : tools, true, "26 Jul 2024");
            } catch (IllegalArgumentException e) {
                throw ApiError.badRequest(e.getMessage(), "messages"); // what prepare answers
            }
            // One id per character is more than the tokenizer ever gives; enough for the length check.
            int[] ids = new int[Math.min(prompt.length(), CONTEXT_LENGTH + 1)];
            s.requests(ids, CONTEXT_LENGTH, logprobs ? (top == null ? 0 : top.intValue()) : -1, "messages");
        } catch (ApiError e) {
            if (e.status() != 400) throw new AssertionError("status " + e.status() + " for a bad body: " + e.getMessage(), e);
        }
    }
}
