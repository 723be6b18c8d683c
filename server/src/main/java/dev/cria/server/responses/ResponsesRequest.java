package dev.cria.server.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cria.chat.ChatMessage;
import dev.cria.engine.Engine;
import dev.cria.engine.GenerationRequest;
import dev.cria.grammar.TokenGrammar;
import dev.cria.sampling.SamplingParams;
import dev.cria.server.api.ApiError;
import dev.cria.server.api.ApiJson;
import dev.cria.server.api.ApiStyle;
import dev.cria.server.api.RequestFields;
import dev.cria.server.api.ServedModels;
import dev.cria.server.generation.GenerationSettings;
import dev.cria.server.generation.PromptBound;
import dev.cria.server.responses.ResponseShapes.IncompleteDetails;
import dev.cria.server.responses.ResponseShapes.Reasoning;
import dev.cria.server.responses.ResponseShapes.Response;
import dev.cria.server.responses.ResponseShapes.ResponseUsage;
import dev.cria.server.responses.ResponseShapes.Text;
import dev.cria.server.structured.CompiledGrammars;
import dev.cria.server.structured.OutputConstraint;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A validated {@code POST /v1/responses} request, rendered and tokenized. Fields as the API
 * reference ("Create a model response") defines them: {@code model}, {@code input},
 * {@code instructions} (a system message before the conversation, not carried to a continuation),
 * {@code previous_response_id} (the stored conversation goes before {@code input}),
 * {@code max_output_tokens}, {@code temperature} (0..2), {@code top_p}, {@code seed} (an extension,
 * as in chat completions), {@code tools}, {@code tool_choice} and {@code parallel_tool_calls}
 * ({@link ResponseTools}), {@code text.format} ({@link ResponseTextFormat}), {@code store} (default
 * true), {@code stream}, and, echoed only, {@code metadata}, {@code user}. {@code background} and {@code conversation} need server-side state this server does
 * not keep: a 400. Other fields ({@code include}, {@code reasoning}, {@code truncation},
 * {@code service_tier}…) change nothing here and are ignored, as other endpoints ignore unknown fields.
 *
 * @param conversation the messages after instructions: the previous response's conversation, then input
 * @param grammar      what the answer must follow (obliged calls, else a JSON text format), or null
 * @param obligedCalls whether the grammar is that of the calls tool_choice obliges
 * @param inputItems   this request's {@code input} as items with ids (empty when not stored), for
 *                     {@code GET /v1/responses/{id}/input_items}
 */
record ResponsesRequest(String model, String instructions, String previousResponseId, List<ChatMessage> conversation,
                        int[] prompt, ResponseTools tools, ResponseTextFormat textFormat, GenerationSettings settings,
                        boolean store, boolean parallelToolCalls, Map<String, Object> metadata, String user,
                        TokenGrammar grammar, boolean obligedCalls, List<Map<String, Object>> inputItems) {

    static ResponsesRequest create(Engine engine, ServedModels models, ResponseStore stored, ObjectNode body) {
        RequestFields f = RequestFields.of(body);
        String model = models.resolve(f.requiredString("model"), ApiStyle.OPENAI);
        if (f.bool("background", false)) {
            throw ApiError.badRequest("Invalid 'background': background responses are not supported by this server; "
                    + "use 'stream' to read a response as it is generated.", "background", "unsupported_value");
        }
        if (f.has("conversation")) {
            throw ApiError.badRequest("Invalid 'conversation': the Conversations API is not supported by this server; "
                    + "use 'previous_response_id' to continue a conversation.", "conversation", "unsupported_value");
        }
        String instructions = f.string("instructions");
        String previousId = f.string("previous_response_id");
        List<ChatMessage> conversation = new ArrayList<>();
        if (previousId != null) conversation.addAll(previous(stored, previousId).conversation());
        conversation.addAll(ResponseInput.read(f));
        ResponseTools tools = ResponseTools.read(f);
        ResponseTextFormat textFormat = ResponseTextFormat.read(f);
        Long maxOutput = f.integer("max_output_tokens", 1, Integer.MAX_VALUE);
        SamplingParams sampling = new SamplingParams(orElse(f.number("temperature", 0, 2), 1.0),
                orElse(f.number("top_p", 0, 1), 1.0), 0, 0.0, f.integer("seed", Long.MIN_VALUE, Long.MAX_VALUE),
                0.0, 0.0, 1.0, Map.of());
        boolean store = f.bool("store", true);
        GenerationSettings settings = new GenerationSettings(maxOutput == null ? null : maxOutput.intValue(),
                "max_output_tokens", sampling, List.of(), 1, f.bool("stream", false), false, false);
        boolean parallel = f.bool("parallel_tool_calls", true);
        Map<String, Object> metadata = metadata(f);
        String user = f.string("user");

        List<ChatMessage> messages = new ArrayList<>(conversation.size() + 1);
        if (instructions != null) messages.add(ChatMessage.of("system", instructions));
        messages.addAll(conversation);
        long contentBytes = PromptBound.chatContentBytes(messages);
        settings.checkPromptCanFit(PromptBound.minTokens(contentBytes, engine.longestTokenBytes()), contentBytes,
                engine.info().contextLength(), "input");
        int[] prompt;
        try {
            // No tools is null, never []: the Llama 3.2 template would print its tool preamble for [].
            prompt = engine.renderChat(messages, tools.template().isEmpty() ? null : tools.template(), true);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("Invalid 'input': " + e.getMessage(), "input");
        }
        // Obliged calls win over a text format, as in chat completions: the answer is then calls, not text.
        // Under auto: a call or the format's answer; without a format, text or strict functions' valid calls.
        OutputConstraint constraint = tools.constraint(parallel, textFormat.constraint());
        TokenGrammar grammar = constraint == null ? null : CompiledGrammars.compile(engine, constraint);
        return new ResponsesRequest(model, instructions, previousId, List.copyOf(conversation), prompt, tools, textFormat,
                settings, store, parallel, metadata, user, grammar, constraint != null && constraint.toolCalls(),
                store ? ResponseInput.items(f.get("input")) : List.of());
    }

    /** The stored response {@code id} continues; a 404 naming previous_response_id when none is kept under it. */
    static ResponseStore.Stored previous(ResponseStore stored, String id) {
        ResponseStore.Stored s = stored.get(id);
        if (s == null) {
            throw new ApiError(404, "invalid_request_error", "Previous response with id '" + id + "' not found.",
                    "previous_response_id", "previous_response_not_found");
        }
        return s;
    }

    List<GenerationRequest> engineRequests(int contextLength) {
        List<GenerationRequest> requests = settings.requests(prompt, contextLength, -1, "input");
        return grammar == null ? requests : requests.stream().map(r -> r.withGrammar(grammar)).toList();
    }

    boolean stream() {
        return settings.stream();
    }

    /** The response object for this request; {@code status} in_progress has no usage yet. */
    Response response(String id, long createdAt, String status, List<Object> output, ResponseUsage usage) {
        return response(id, createdAt, status, status.equals("incomplete") ? "max_output_tokens" : null, output, usage);
    }

    /** The response object, {@code incompleteReason} its {@code incomplete_details.reason} (null: none). */
    Response response(String id, long createdAt, String status, String incompleteReason, List<Object> output, ResponseUsage usage) {
        IncompleteDetails incomplete = incompleteReason != null ? new IncompleteDetails(incompleteReason) : null;
        SamplingParams s = settings.sampling();
        return new Response(id, "response", createdAt, status, null, incomplete, instructions, settings.maxTokens(),
                model, output, parallelToolCalls, previousResponseId, Reasoning.NONE, store, s.temperature(),
                new Text(textFormat.echo()), tools.choice(), tools.echoed(), s.topP(), "disabled", usage, user, metadata);
    }

    /** {@code metadata}: up to 16 string values, as the reference bounds it. */
    private static Map<String, Object> metadata(RequestFields f) {
        JsonNode v = f.get("metadata");
        if (v == null) return Map.of();
        if (!v.isObject()) throw f.wrongType("metadata", "an object", v);
        if (v.size() > 16) {
            throw ApiError.badRequest("Invalid 'metadata': too many properties. Expected an object with at most 16 "
                    + "properties, but got " + v.size() + " instead.", "metadata", "object_above_max_properties");
        }
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            if (!e.getValue().isTextual()) throw f.wrongType("metadata." + e.getKey(), "a string", e.getValue());
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> plain = (Map<String, Object>) ApiJson.toPlain(v);
        return plain;
    }

    private static <T> T orElse(T v, T dflt) {
        return v == null ? dflt : v;
    }
}
