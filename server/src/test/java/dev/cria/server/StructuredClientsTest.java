package dev.cria.server;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.StructuredChatCompletion;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.ReturnBehavior;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiChatRequestParameters;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.Result;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What agents are built with, against the real server on the tiny random-weight model (issue #19):
 * openai-java's {@code responseFormat(Class)} gets its class back, LangChain4j's AI services get a
 * POJO result and make a {@code @Tool} call — whatever the weights, because the grammar holds them.
 */
class StructuredClientsTest {
    @RegisterExtension
    static final ClassServer server = new ClassServer();
    private static OpenAIClient openai;

    /** openai-java and LangChain4j read public fields (Jackson) and derive a strict JSON Schema from them. */
    public static class City {
        public String name;
        public long population;
        public boolean coastal;
        public List<String> landmarks;
    }

    @BeforeAll
    static void client() {
        openai = OpenAIOkHttpClient.builder().baseUrl(server.baseUrl() + "/v1").apiKey("unused").maxRetries(0).build();
    }

    @AfterAll
    static void close() {
        openai.close();
    }

    @Test
    void openAiJavaResponseFormatOfAClassGetsThatClassBack() {
        for (int seed = 1; seed <= 3; seed++) {
            StructuredChatCompletion<City> c = openai.chat().completions().create(ChatCompletionCreateParams.builder()
                    .model(server.modelId()).addUserMessage("Describe Lisbon.").responseFormat(City.class)
                    .temperature(1.0).seed(seed).maxCompletionTokens(250).build());
            City city = c.choices().getFirst().message().content().orElseThrow();

            assertThat(c.choices().getFirst().finishReason().asString()).isEqualTo("stop");
            assertThat(city.name).isNotNull();
            assertThat(city.landmarks).isNotNull();
        }
    }

    interface CityGuide {
        City describe(String place);
    }

    @Test
    void langChain4jAiServiceReturnsAPojo() {
        OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(server.baseUrl() + "/v1").apiKey("unused")
                .modelName(server.modelId()).temperature(0.0).maxTokens(250)
                .supportedCapabilities(Capability.RESPONSE_FORMAT_JSON_SCHEMA).strictJsonSchema(true).build();

        City city = AiServices.create(CityGuide.class, model).describe("Lisbon");

        assertThat(city.name).isNotNull();
        assertThat(city.landmarks).isNotNull();
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
    void langChain4jToolMethodIsCalledWhenTheCallIsRequired() {
        OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(server.baseUrl() + "/v1").apiKey("unused")
                .modelName(server.modelId()).temperature(0.0).maxTokens(200)
                .defaultRequestParameters(OpenAiChatRequestParameters.builder().toolChoice(ToolChoice.REQUIRED).build()).build();
        WeatherTool tool = new WeatherTool();
        Assistant assistant = AiServices.builder(Assistant.class).chatModel(model).tools(tool).build();

        Result<String> r = assistant.chat("What is the weather in Paris?");

        assertThat(tool.cities).hasSize(1);
        assertThat(r.toolExecutions()).hasSize(1);
        assertThat(r.toolExecutions().getFirst().result()).isEqualTo("sunny in " + tool.cities.getFirst());
    }

    /** A tool whose result goes back to the model, as AiServices' tools usually do. */
    static final class CityFacts {
        @Tool("The population of a city")
        public long population(@P("the city") String city) {
            return 545_000;
        }
    }

    @Test
    void langChain4jAiServiceWithAToolAndAPojoResultGetsThePojo() {
        // tools on auto with a JSON Schema response format: each answer is a call or the City
        OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(server.baseUrl() + "/v1").apiKey("unused")
                .modelName(server.modelId()).temperature(0.0).maxTokens(250).strictTools(true)
                .supportedCapabilities(Capability.RESPONSE_FORMAT_JSON_SCHEMA).strictJsonSchema(true).build();

        City city = AiServices.builder(CityGuide.class).chatModel(model).tools(new CityFacts()).build().describe("Lisbon");

        assertThat(city.name).isNotNull();
        assertThat(city.landmarks).isNotNull();
    }
}
