package dev.cria.examples;

import dev.cria.api.Cria;
import dev.cria.langchain4j.CriaChatModel;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.service.AiServices;

import java.nio.file.Path;

/** LangChain4j's AiServices on Cria: a @Tool method and a record result. {@code WeatherAssistant MODEL.gguf [CITY]}. */
public final class WeatherAssistant {
    /** What the assistant answers: AiServices asks Cria for JSON of this record's schema. */
    public record Advice(String city, boolean umbrella, String reason) {
    }

    interface Assistant {
        Advice advise(String question);
    }

    /** The tool the model may call; AiServices runs it and sends the result back. */
    public static final class WeatherTools {
        @Tool("The current weather in a city")
        public String weather(@P("the city") String city) {
            return "{\"city\": \"" + city + "\", \"sky\": \"rain\", \"celsius\": 7}";
        }
    }

    public static Advice advise(Cria cria, String city) {
        Assistant assistant = AiServices.builder(Assistant.class)
                .chatModel(CriaChatModel.builder().cria(cria).temperature(0.0).maxTokens(200).build())
                .tools(new WeatherTools())
                .build();
        return assistant.advise("Do I need an umbrella in " + city + " today?");
    }

    public static void main(String[] args) {
        try (Cria cria = Cria.open(Path.of(args[0]))) {
            System.out.println(advise(cria, args.length > 1 ? args[1] : "Oslo"));
        }
    }
}
