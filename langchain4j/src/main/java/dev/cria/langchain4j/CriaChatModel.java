package dev.cria.langchain4j;

import dev.cria.api.Cria;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;

import java.util.List;
import java.util.Set;

/**
 * LangChain4j's {@link ChatModel} on a {@link Cria} running in this JVM. Many threads may call it at
 * once; their answers share the engine's batches. The model does not own the {@code Cria}: close it
 * when the application stops (one {@code Cria} can serve this model and a
 * {@link CriaStreamingChatModel} together).
 *
 * <pre>{@code
 * Cria cria = Cria.open(Path.of("Llama-3.2-1B-Instruct-Q4_0.gguf"));
 * ChatModel model = CriaChatModel.builder().cria(cria).temperature(0.0).build();
 * Assistant assistant = AiServices.create(Assistant.class, model);
 * }</pre>
 */
public final class CriaChatModel implements ChatModel {
    private final Cria cria;
    private final ChatRequestParameters defaults;
    private final List<ChatModelListener> listeners;
    private final boolean strictJsonSchema;

    private CriaChatModel(ModelSettings settings) {
        this.cria = settings.cria();
        this.defaults = settings.defaults();
        this.listeners = settings.listeners();
        this.strictJsonSchema = settings.strictJsonSchema();
    }

    /** A builder: the {@link Cria} to run on, and default request parameters. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        return LangChainRequests.response(
                cria.chat(LangChainRequests.messages(request.messages()), LangChainRequests.options(request, strictJsonSchema)), cria.modelName());
    }

    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return defaults;
    }

    @Override
    public List<ChatModelListener> listeners() {
        return listeners;
    }

    @Override
    public ModelProvider provider() {
        return ModelProvider.OTHER;
    }

    /** JSON Schema response formats are enforced by grammar, so AiServices may ask for POJO results. */
    @Override
    public Set<Capability> supportedCapabilities() {
        return Set.of(Capability.RESPONSE_FORMAT_JSON_SCHEMA);
    }

    /** Builds a {@link CriaChatModel}; see {@link ModelSettings} for the settings. */
    public static final class Builder extends ModelSettings.Builder<Builder> {
        private Builder() {
        }

        /** The model. */
        public CriaChatModel build() {
            return new CriaChatModel(settings());
        }
    }
}
