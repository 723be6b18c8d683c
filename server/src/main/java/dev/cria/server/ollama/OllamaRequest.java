package dev.cria.server.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cria.engine.Engine;
import dev.cria.engine.GenerationRequest;
import dev.cria.grammar.TokenGrammar;
import dev.cria.server.api.ApiError;
import dev.cria.server.api.RequestFields;
import dev.cria.server.api.ServedModels;
import dev.cria.server.structured.CompiledGrammars;
import dev.cria.server.structured.OutputConstraint;
import dev.cria.server.structured.ResponseFormats;

import java.util.List;

/**
 * The fields {@code /api/chat} and {@code /api/generate} share, read and checked the same way:
 * {@code model} (see {@link OllamaNames}), {@code stream} (true unless false: "This is a streaming
 * endpoint"), {@code options}, {@code keep_alive} (accepted, no effect: the model stays loaded until
 * the server stops), {@code format}: {@code "json"} (Ollama's JSON mode, "a valid JSON object") or a
 * JSON schema ("structured outputs"), both enforced by the grammar. What this server cannot honour
 * is a 400 that says so, never ignored: {@code think} (Llama 3.2 does not think), {@code logprobs}.
 *
 * @param model  the name as the client sent it (echoed in every response, as Ollama does)
 * @param format what {@code format} constrains the answer to, or null
 */
record OllamaRequest(String model, boolean stream, OllamaOptions options, OutputConstraint format) {
    static OllamaRequest read(ServedModels served, RequestFields f) {
        String model = OllamaNames.resolve(served, f.requiredString("model"));
        boolean stream = f.bool("stream", true);
        JsonNode keepAlive = f.get("keep_alive");
        if (keepAlive != null && !keepAlive.isTextual() && !keepAlive.isNumber()) {
            throw f.wrongType("keep_alive", "a duration (\"5m\") or a number of seconds", keepAlive);
        }
        OutputConstraint format = format(f);
        JsonNode think = f.get("think");
        if (think != null && !(think.isBoolean() && !think.booleanValue())) {
            throw ApiError.badRequest("'" + model + "' does not support thinking.", f.param("think"), "unsupported_value");
        }
        if (f.bool("logprobs", false)) {
            throw ApiError.badRequest("'logprobs' is not supported on the Ollama API yet; /v1/chat/completions returns them.",
                    f.param("logprobs"), "unsupported_value");
        }
        refuseImages(f.get("images"), f.param("images"));
        return new OllamaRequest(model, stream, OllamaOptions.read(f), format);
    }

    /** {@code format}: absent, null or "" is none; "json" any JSON object; an object a JSON schema. */
    private static OutputConstraint format(RequestFields f) {
        JsonNode format = f.get("format");
        if (format == null || format.isNull() || (format.isTextual() && format.textValue().isEmpty())) return null;
        if (format.isTextual() && format.textValue().equals("json")) return ResponseFormats.anyObject(f.param("format"));
        if (format.isObject()) return ResponseFormats.schema(format, f.param("format"));
        throw ApiError.badRequest("invalid format: expected \"json\" or a JSON schema object, got " + RequestFields.describe(format),
                f.param("format"), "invalid_value");
    }

    /** The engine requests, under the format's grammar when there is one. */
    List<GenerationRequest> constrained(Engine engine, List<GenerationRequest> requests) {
        if (format == null) return requests;
        TokenGrammar grammar = CompiledGrammars.compile(engine, format);
        return requests.stream().map(r -> r.withGrammar(grammar)).toList();
    }

    /** {@code images} (base64 images "for multimodal models such as llava"): this model reads text only. */
    static void refuseImages(JsonNode images, String param) {
        if (images == null || (images.isArray() && images.isEmpty())) return;
        throw ApiError.badRequest("'" + param + "': this model reads text only; images are not supported.", param,
                "unsupported_value");
    }
}
