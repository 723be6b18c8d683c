package dev.cria.langchain4j;

import dev.cria.api.ChatDelta;
import dev.cria.api.ChatResult;
import dev.cria.api.ChatStream;
import dev.cria.api.Cria;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;

import java.util.List;
import java.util.Set;

/**
 * LangChain4j's {@link StreamingChatModel} on a {@link Cria} running in this JVM: each request reads
 * its answer on a virtual thread of its own and hands the handler text as the model writes it, then
 * each tool call, then the whole response. Text that may be a tool call is held back until it is
 * known not to be one ({@link ChatStream} says how). Like {@link CriaChatModel} it does not own the
 * {@code Cria}.
 */
public final class CriaStreamingChatModel implements StreamingChatModel {
    private final Cria cria;
    private final ChatRequestParameters defaults;
    private final List<ChatModelListener> listeners;
    private final boolean strictJsonSchema;

    private CriaStreamingChatModel(ModelSettings settings) {
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
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        ChatStream stream;
        try {
            stream = cria.stream(LangChainRequests.messages(request.messages()), LangChainRequests.options(request, strictJsonSchema));
        } catch (RuntimeException e) {
            handler.onError(e);
            return;
        }
        // The handler may be slow (a UI); a virtual thread per answer waits on it without holding a platform thread.
        Thread.ofVirtual().name("cria-langchain4j-stream").start(() -> deliver(stream, handler));
    }

    private void deliver(ChatStream stream, StreamingChatResponseHandler handler) {
        try (stream) {
            while (stream.hasNext()) {
                switch (stream.next()) {
                    case ChatDelta.Text t -> handler.onPartialResponse(t.text());
                    case ChatDelta.Done d -> complete(d.result(), handler);
                }
            }
        } catch (RuntimeException e) {
            handler.onError(e);
        }
    }

    private void complete(ChatResult result, StreamingChatResponseHandler handler) {
        List<ToolExecutionRequest> calls = LangChainRequests.toolRequests(result.toolCalls());
        for (int i = 0; i < calls.size(); i++) handler.onCompleteToolCall(new CompleteToolCall(i, calls.get(i)));
        handler.onCompleteResponse(LangChainRequests.response(result, cria.modelName()));
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

    /** Builds a {@link CriaStreamingChatModel}; see {@link ModelSettings} for the settings. */
    public static final class Builder extends ModelSettings.Builder<Builder> {
        private Builder() {
        }

        /** The model. */
        public CriaStreamingChatModel build() {
            return new CriaStreamingChatModel(settings());
        }
    }
}
