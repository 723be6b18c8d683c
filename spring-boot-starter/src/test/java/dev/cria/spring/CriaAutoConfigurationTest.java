package dev.cria.spring;

import dev.cria.api.ChatOptions;
import dev.cria.api.Cria;
import dev.cria.api.Message;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What application.properties gives an application: a Cria bean from cria.model, LangChain4j's models on it. */
class CriaAutoConfigurationTest {
    private static final String MODEL = Path.of(System.getProperty("cria.testdata", "testdata"), "models/tiny-llama3-Q8_0.gguf").toString();
    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CriaAutoConfiguration.class));

    @Test
    void aModelPropertyGivesACriaThatAnswers() {
        context.withPropertyValues("cria.model=" + MODEL, "cria.threads=2", "cria.context-size=1024", "cria.parallel=2")
                .run(c -> {
                    Cria cria = c.getBean(Cria.class);
                    assertThat(cria.contextLength()).isEqualTo(1024);
                    assertThat(cria.chat(List.of(Message.user("Hi")), ChatOptions.builder().maxTokens(2).build())
                            .usage().completionTokens()).isEqualTo(2);
                    assertThat(c).hasSingleBean(ChatModel.class).hasSingleBean(StreamingChatModel.class);
                });
    }

    @Test
    void withoutAModelThereIsNoCria() {
        context.run(c -> assertThat(c).doesNotHaveBean(Cria.class));
    }
}
