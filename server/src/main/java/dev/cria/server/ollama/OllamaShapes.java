package dev.cria.server.ollama;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/**
 * The response objects of Ollama's API, field for field (docs/api.md: "Generate a completion",
 * "Generate a chat completion", "List Local Models", "Show Model Information", "List Running
 * Models"). Components are camelCase; {@code ApiJson} writes them in snake_case. Durations are in
 * nanoseconds ("All durations are returned in nanoseconds").
 */
final class OllamaShapes {
    private OllamaShapes() {
    }

    /** One line of {@code /api/chat}: the statistics only on the last ({@code done: true}). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ChatResponse(String model, String createdAt, Message message, String doneReason, boolean done,
                        Long totalDuration, Long loadDuration, Integer promptEvalCount, Long promptEvalDuration,
                        Integer evalCount, Long evalDuration) {
        static ChatResponse chunk(String model, Message message) {
            return new ChatResponse(model, now(), message, null, false, null, null, null, null, null, null);
        }

        static ChatResponse last(String model, Message message, String doneReason, Stats s) {
            return new ChatResponse(model, now(), message, doneReason, true, s == null ? null : s.totalDuration(),
                    s == null ? null : s.loadDuration(), s == null ? null : s.promptEvalCount(),
                    s == null ? null : s.promptEvalDuration(), s == null ? null : s.evalCount(), s == null ? null : s.evalDuration());
        }
    }

    /** One line of {@code /api/generate}: {@code response} is the new text; the statistics only on the last. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record GenerateResponse(String model, String createdAt, String response, String doneReason, boolean done,
                            Long totalDuration, Long loadDuration, Integer promptEvalCount, Long promptEvalDuration,
                            Integer evalCount, Long evalDuration) {
        static GenerateResponse chunk(String model, String text) {
            return new GenerateResponse(model, now(), text, null, false, null, null, null, null, null, null);
        }

        static GenerateResponse last(String model, String text, String doneReason, Stats s) {
            return new GenerateResponse(model, now(), text, doneReason, true, s == null ? null : s.totalDuration(),
                    s == null ? null : s.loadDuration(), s == null ? null : s.promptEvalCount(),
                    s == null ? null : s.promptEvalDuration(), s == null ? null : s.evalCount(), s == null ? null : s.evalDuration());
        }
    }

    /** The final line's statistics: token counts and nanoseconds. */
    record Stats(long totalDuration, long loadDuration, int promptEvalCount, long promptEvalDuration, int evalCount,
                 long evalDuration) {
    }

    /** An assistant message; {@code tool_calls} is absent when there are none. */
    record Message(String role, String content, @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ToolCall> toolCalls) {
        static Message assistant(String content) {
            return new Message("assistant", content, List.of());
        }
    }

    record ToolCall(String id, Function function) {
    }

    /** {@code arguments} is a JSON object, not a string (unlike OpenAI); {@code index} orders the calls of one answer. */
    record Function(int index, String name, Map<String, Object> arguments) {
    }

    record Version(String version) {
    }

    record ModelList(List<?> models) {
    }

    record Details(String parentModel, String format, String family, List<String> families, String parameterSize,
                   String quantizationLevel) {
    }

    /** An entry of {@code /api/tags}. */
    record LocalModel(String name, String model, String modifiedAt, long size, String digest, Details details) {
    }

    /** An entry of {@code /api/ps}. */
    record RunningModel(String name, String model, long size, String digest, Details details, String expiresAt,
                        long sizeVram, int contextLength) {
    }

    /** {@code /api/show}. */
    record ModelCard(String license, String modelfile, String parameters, String template, Details details,
                     Map<String, Object> modelInfo, List<String> capabilities, String modifiedAt) {
    }

    /** Ollama's timestamps: RFC 3339 in UTC with the fraction it has ({@code 2023-08-04T19:22:45.499127Z}). */
    static String now() {
        return java.time.Instant.now().toString();
    }
}
