package dev.cria.api;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/library.md's complete example on the tiny model, with token limits (random weights never stop by themselves): the page's code compiles and runs. */
class LibraryExampleTest {
    @Test
    void theDocumentedExampleRuns() {
        StringBuilder out = new StringBuilder();
        try (Cria cria = Cria.builder()
                .model(TinyModel.PATH)
                .contextSize(4096)
                .parallel(4)
                .build()) {

            List<Message> chat = new ArrayList<>(List.of(
                    Message.system("You answer in one sentence."),
                    Message.user("Why is the sky blue?")));
            ChatResult answer = cria.chat(chat, ChatOptions.builder().temperature(0).maxTokens(100).build());
            out.append(answer.text()).append("  [").append(answer.finishReason()).append(", ").append(answer.usage()).append("]\n");

            try (ChatStream stream = cria.stream(chat, ChatOptions.builder().maxTokens(20).build())) {
                while (stream.hasNext()) {
                    if (stream.next() instanceof ChatDelta.Text t) out.append(t.text());
                }
            }

            Map<String, Object> city = Map.of("type", "object",
                    "properties", Map.of("name", Map.of("type", "string"),
                            "population", Map.of("type", "integer", "minimum", 0)),
                    "required", List.of("name", "population"));
            out.append(cria.chat(List.of(Message.user("The largest city of Peru, as JSON.")),
                    ChatOptions.builder().jsonSchema(city).maxTokens(80).build()).text());

            Tool weather = Tool.of("get_weather", "The current weather in a city", Map.of("type", "object",
                    "properties", Map.of("city", Map.of("type", "string")), "required", List.of("city")));
            List<Message> turn = new ArrayList<>(List.of(Message.user("Do I need an umbrella in Oslo?")));
            ChatOptions withTools = ChatOptions.builder().tools(List.of(weather)).temperature(0).maxTokens(40).build();
            ChatResult r = cria.chat(turn, withTools.toBuilder().toolChoice(ToolChoice.required()).build());
            turn.add(Message.assistant(r.toolCalls()));
            for (ToolCall call : r.toolCalls()) {
                turn.add(Message.toolResult(call.id(), "{\"sky\": \"rain\", \"celsius\": 7}"));
            }
            out.append(cria.chat(turn, withTools).text());

            assertThat(r.toolCalls()).isNotEmpty();
        }
        assertThat(out).isNotEmpty();
    }
}
