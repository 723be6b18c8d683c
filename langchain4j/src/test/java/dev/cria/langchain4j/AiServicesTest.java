package dev.cria.langchain4j;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.ReturnBehavior;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.Result;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** LangChain4j's AiServices on the in-process model, as an application uses them. */
class AiServicesTest {
    record City(String name, boolean coastal) {
    }

    interface CityGuide {
        City describe(String place);
    }

    @Test
    void aServiceMethodReturnsAPojo() {
        ChatModel model = CriaChatModel.builder().cria(TinyCria.CRIA).temperature(0.0).maxTokens(60).build();

        City city = AiServices.create(CityGuide.class, model).describe("Lisbon");

        assertThat(city).isNotNull();
        assertThat(city.name()).isNotNull();
    }

    /** A tool whose result is the answer (ReturnBehavior.IMMEDIATE): one model call, one tool call, no loop. */
    static final class WeatherTool {
        final List<String> cities = new CopyOnWriteArrayList<>();

        @Tool(value = "The current weather in a city", returnBehavior = ReturnBehavior.IMMEDIATE)
        public String weather(@P("the city") String city) {
            cities.add(city);
            return "sunny in " + city;
        }
    }

    interface Assistant {
        Result<String> chat(String message);
    }

    @Test
    void aToolMethodIsCalledWithTheModelsArguments() {
        ChatModel model = CriaChatModel.builder().cria(TinyCria.CRIA).temperature(0.0).maxTokens(60)
                .toolChoice(ToolChoice.REQUIRED).build();
        WeatherTool tool = new WeatherTool();
        Assistant assistant = AiServices.builder(Assistant.class).chatModel(model).tools(tool).build();

        Result<String> r = assistant.chat("What is the weather in Paris?");

        assertThat(tool.cities).hasSize(1);
        assertThat(r.toolExecutions()).singleElement()
                .satisfies(e -> assertThat(e.result()).isEqualTo("sunny in " + tool.cities.getFirst()));
    }

    interface Chat {
        String chat(String message);
    }

    @Test
    void aChatMemoryCarriesTheConversationAndItsPrefixComesFromTheCache() {
        List<ChatResponse> responses = new CopyOnWriteArrayList<>();
        ChatModelListener recorder = new ChatModelListener() {
            @Override
            public void onResponse(ChatModelResponseContext context) {
                responses.add(context.chatResponse());
            }
        };
        ChatModel model = CriaChatModel.builder().cria(TinyCria.CRIA).temperature(0.0).maxTokens(8)
                .listeners(List.of(recorder)).build();
        MessageWindowChatMemory memory = MessageWindowChatMemory.withMaxMessages(10);
        Chat chat = AiServices.builder(Chat.class).chatModel(model).chatMemory(memory).build();

        chat.chat("My name is Ada.");
        chat.chat("What is my name?");

        assertThat(memory.messages()).hasSize(4);
        CriaTokenUsage first = (CriaTokenUsage) responses.get(0).tokenUsage();
        CriaTokenUsage second = (CriaTokenUsage) responses.get(1).tokenUsage();
        assertThat(second.inputTokenCount()).isGreaterThan(first.inputTokenCount() + first.outputTokenCount());
        assertThat(second.cachedInputTokens()).isGreaterThan(first.inputTokenCount() / 2);
    }
}
