package dev.cria.api;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A whole answer: text, finish reason, usage; what Cria refuses. */
class CriaChatTest {
    private static final List<Message> HELLO = List.of(Message.system("Be brief."), Message.user("Hello!"));
    private static Cria cria;

    @BeforeAll
    static void open() {
        cria = TinyModel.open();
    }

    @AfterAll
    static void close() {
        cria.close();
    }

    @Test
    void anAnswerStopsAtMaxTokensAndCountsItsTokens() {
        ChatResult r = cria.chat(HELLO, ChatOptions.builder().temperature(0).maxTokens(8).build());

        assertThat(r.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(r.usage().completionTokens()).isEqualTo(8);
        assertThat(r.usage().promptTokens()).isEqualTo(cria.countTokens(HELLO, List.of()));
        assertThat(r.text()).isNotEmpty();
        assertThat(r.toolCalls()).isEmpty();
    }

    @Test
    void temperatureZeroIsRepeatable() {
        ChatOptions greedy = ChatOptions.builder().temperature(0).maxTokens(12).build();

        assertThat(cria.chat(HELLO, greedy).text()).isEqualTo(cria.chat(HELLO, greedy).text());
    }

    @Test
    void aSeedMakesASampledAnswerRepeatable() {
        ChatOptions seeded = ChatOptions.builder().temperature(0.8).seed(42L).maxTokens(12).build();

        assertThat(cria.chat(HELLO, seeded).text()).isEqualTo(cria.chat(HELLO, seeded).text());
    }

    @Test
    void theSecondTurnFindsTheFirstInThePrefixCache() {
        ChatOptions o = ChatOptions.builder().temperature(0).maxTokens(4).build();
        ChatResult first = cria.chat(List.of(Message.user("Tell me a story about a cat.")), o);

        ChatResult second = cria.chat(List.of(Message.user("Tell me a story about a cat."),
                Message.assistant(first.text()), Message.user("And a dog?")), o);

        assertThat(second.usage().cachedTokens()).isGreaterThan(0);
    }

    @Test
    void badSamplingIsAnIllegalArgumentNamingTheField() {
        assertThatThrownBy(() -> cria.chat(HELLO, ChatOptions.builder().temperature(3).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("temperature");
    }

    @Test
    void afterCloseNothingIsAnswered() {
        Cria closed = TinyModel.open();
        closed.close();

        assertThatThrownBy(() -> closed.chat(HELLO)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aMissingModelFileIsACriaExceptionNamingIt() {
        assertThatThrownBy(() -> Cria.open(Path.of("no-such-model.gguf")))
                .isInstanceOf(CriaException.class).hasMessageContaining("no-such-model.gguf");
    }
}
