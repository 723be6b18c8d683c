package dev.cria.langchain4j;

import dev.cria.api.Cria;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ToolChoice;

import java.util.List;
import java.util.Objects;

/**
 * What both chat models are built from: the {@link Cria} they run on, the request parameters every
 * request starts from (a request's own parameters override them), and listeners.
 *
 * @param cria      the engine, opened by the application
 * @param defaults  the default request parameters
 * @param listeners LangChain4j's chat model listeners
 * @param strictJsonSchema whether JSON Schema response formats are made strict ({@link StrictSchemas})
 */
record ModelSettings(Cria cria, ChatRequestParameters defaults, List<ChatModelListener> listeners,
                     boolean strictJsonSchema) {
    ModelSettings {
        Objects.requireNonNull(cria, "cria");
        listeners = List.copyOf(listeners);
    }

    /** The settings every builder has; the setters return the concrete builder. */
    abstract static class Builder<B extends Builder<B>> {
        private Cria cria;
        private ChatRequestParameters defaults = ChatRequestParameters.builder().build();
        private List<ChatModelListener> listeners = List.of();
        private boolean strictJsonSchema = true;

        @SuppressWarnings("unchecked")
        private B self() {
            return (B) this;
        }

        /** The {@link Cria} to run on (required). */
        public B cria(Cria cria) {
            this.cria = cria;
            return self();
        }

        /** Parameters every request starts from. */
        public B defaultRequestParameters(ChatRequestParameters parameters) {
            this.defaults = parameters;
            return self();
        }

        /** Default temperature (0 = greedy, repeatable answers). */
        public B temperature(Double temperature) {
            return defaultRequestParameters(ChatRequestParameters.builder().temperature(temperature).build().defaultedBy(defaults));
        }

        /** Default most tokens per answer. */
        public B maxTokens(Integer maxTokens) {
            return defaultRequestParameters(ChatRequestParameters.builder().maxOutputTokens(maxTokens).build().defaultedBy(defaults));
        }

        /** Default tool choice ({@link ToolChoice#REQUIRED} obliges a call whenever tools are given). */
        public B toolChoice(ToolChoice toolChoice) {
            return defaultRequestParameters(ChatRequestParameters.builder().toolChoice(toolChoice).build().defaultedBy(defaults));
        }

        /** Listeners told of every request, response and error. */
        public B listeners(List<ChatModelListener> listeners) {
            this.listeners = listeners;
            return self();
        }

        /**
         * Whether a JSON Schema response format is read as OpenAI's strict mode does (the default): every
         * property required, no others. LangChain4j's POJO schemas require nothing, so without this a
         * POJO result may come back with every field empty.
         */
        public B strictJsonSchema(boolean strict) {
            this.strictJsonSchema = strict;
            return self();
        }

        ModelSettings settings() {
            return new ModelSettings(cria, defaults, listeners, strictJsonSchema);
        }
    }
}
