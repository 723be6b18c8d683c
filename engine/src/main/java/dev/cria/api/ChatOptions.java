package dev.cria.api;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How to answer one conversation: sampling, limits, tools and the answer's format. Build with
 * {@link #builder()}; {@link #defaults()} is temperature 1 (the model's own distribution), no token
 * limit but the context, no tools, free text.
 *
 * @param maxTokens         most tokens to generate; 0 = until the model stops or the context is full
 * @param temperature       0 = always the likeliest token (greedy, repeatable); up to 2
 * @param topP              nucleus sampling, in (0, 1]
 * @param topK              only the k likeliest tokens; 0 = off
 * @param seed              a seed makes sampled answers repeatable; null = a random one
 * @param stop              strings that end the answer (not included in it)
 * @param tools             functions the model may call
 * @param toolChoice        whether it must call one
 * @param parallelToolCalls whether one answer may hold several calls
 * @param responseFormat    free text, any JSON object or JSON following a schema
 */
public record ChatOptions(int maxTokens, double temperature, double topP, int topK, Long seed, List<String> stop,
                          List<Tool> tools, ToolChoice toolChoice, boolean parallelToolCalls,
                          ResponseFormat responseFormat) {
    /** Checks the components and copies the lists (null means empty). */
    public ChatOptions {
        if (maxTokens < 0) throw new IllegalArgumentException("maxTokens must be at least 0, got " + maxTokens);
        stop = stop == null ? List.of() : List.copyOf(stop);
        tools = tools == null ? List.of() : List.copyOf(tools);
        toolChoice = toolChoice == null ? ToolChoice.auto() : toolChoice;
        responseFormat = responseFormat == null ? ResponseFormat.text() : responseFormat;
    }

    /** Temperature 1, no limits but the context, no tools, free text. */
    public static ChatOptions defaults() {
        return builder().build();
    }

    /** A builder starting from {@link #defaults()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxTokens = maxTokens;
        b.temperature = temperature;
        b.topP = topP;
        b.topK = topK;
        b.seed = seed;
        b.stop = stop;
        b.tools = tools;
        b.toolChoice = toolChoice;
        b.parallelToolCalls = parallelToolCalls;
        b.responseFormat = responseFormat;
        return b;
    }

    /** Builds {@link ChatOptions}; every setter returns the builder. */
    public static final class Builder {
        private int maxTokens;
        private double temperature = 1;
        private double topP = 1;
        private int topK;
        private Long seed;
        private List<String> stop = List.of();
        private List<Tool> tools = List.of();
        private ToolChoice toolChoice = ToolChoice.auto();
        private boolean parallelToolCalls = true;
        private ResponseFormat responseFormat = ResponseFormat.text();

        private Builder() {
        }

        /** See {@link ChatOptions#maxTokens()}. */
        public Builder maxTokens(int maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        /** See {@link ChatOptions#temperature()}. */
        public Builder temperature(double temperature) {
            this.temperature = temperature;
            return this;
        }

        /** See {@link ChatOptions#topP()}. */
        public Builder topP(double topP) {
            this.topP = topP;
            return this;
        }

        /** See {@link ChatOptions#topK()}. */
        public Builder topK(int topK) {
            this.topK = topK;
            return this;
        }

        /** See {@link ChatOptions#seed()}. */
        public Builder seed(Long seed) {
            this.seed = seed;
            return this;
        }

        /** See {@link ChatOptions#stop()}. */
        public Builder stop(List<String> stop) {
            this.stop = stop;
            return this;
        }

        /** See {@link ChatOptions#tools()}. */
        public Builder tools(List<Tool> tools) {
            this.tools = tools;
            return this;
        }

        /** See {@link ChatOptions#toolChoice()}. */
        public Builder toolChoice(ToolChoice toolChoice) {
            this.toolChoice = toolChoice;
            return this;
        }

        /** See {@link ChatOptions#parallelToolCalls()}. */
        public Builder parallelToolCalls(boolean parallelToolCalls) {
            this.parallelToolCalls = parallelToolCalls;
            return this;
        }

        /** See {@link ChatOptions#responseFormat()}. */
        public Builder responseFormat(ResponseFormat responseFormat) {
            this.responseFormat = responseFormat;
            return this;
        }

        /** The answer is JSON following {@code schema}: {@link ResponseFormat#jsonSchema(Map)}. */
        public Builder jsonSchema(Map<String, Object> schema) {
            return responseFormat(ResponseFormat.jsonSchema(Objects.requireNonNull(schema, "schema")));
        }

        /** The options. */
        public ChatOptions build() {
            return new ChatOptions(maxTokens, temperature, topP, topK, seed, stop, tools, toolChoice, parallelToolCalls,
                    responseFormat);
        }
    }
}
