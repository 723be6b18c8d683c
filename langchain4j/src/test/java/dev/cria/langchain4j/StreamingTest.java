package dev.cria.langchain4j;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.TokenStream;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Streaming through AiServices' TokenStream: the pieces join to the answer the blocking model gives. */
class StreamingTest {
    interface Assistant {
        TokenStream chat(String message);
    }

    interface BlockingAssistant {
        String chat(String message);
    }

    @Test
    void aTokenStreamsPiecesJoinToTheBlockingAnswerAtTemperatureZero() throws Exception {
        StreamingChatModel streaming = CriaStreamingChatModel.builder().cria(TinyCria.CRIA).temperature(0.0).maxTokens(16).build();
        ChatModel blocking = CriaChatModel.builder().cria(TinyCria.CRIA).temperature(0.0).maxTokens(16).build();
        List<String> pieces = new CopyOnWriteArrayList<>();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();

        AiServices.create(Assistant.class, streaming).chat("Hello!")
                .onPartialResponse(pieces::add)
                .onCompleteResponse(done::complete)
                .onError(done::completeExceptionally)
                .start();
        ChatResponse response = done.get(60, TimeUnit.SECONDS);

        assertThat(String.join("", pieces)).isEqualTo(response.aiMessage().text())
                .isEqualTo(AiServices.create(BlockingAssistant.class, blocking).chat("Hello!"));
        assertThat(response.tokenUsage().outputTokenCount()).isEqualTo(16);
        assertThat(response.finishReason()).isEqualTo(dev.langchain4j.model.output.FinishReason.LENGTH);
    }
}
