package dev.cria.server.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cria.server.api.ApiError;
import dev.cria.server.api.RequestFields;
import dev.cria.server.api.ServedModels;

/**
 * The fields {@code /api/chat} and {@code /api/generate} share, read and checked the same way:
 * {@code model} (see {@link OllamaNames}), {@code stream} (true unless false: "This is a streaming
 * endpoint"), {@code options}, {@code keep_alive} (accepted, no effect: the model stays loaded until
 * the server stops). What this server cannot honour is a 400 that says so, never ignored:
 * {@code format} (JSON mode and JSON schemas need constrained decoding), {@code think} (Llama 3.2
 * does not think), {@code logprobs}.
 *
 * @param model the name as the client sent it (echoed in every response, as Ollama does)
 */
record OllamaRequest(String model, boolean stream, OllamaOptions options) {
    static OllamaRequest read(ServedModels served, RequestFields f) {
        String model = OllamaNames.resolve(served, f.requiredString("model"));
        boolean stream = f.bool("stream", true);
        JsonNode keepAlive = f.get("keep_alive");
        if (keepAlive != null && !keepAlive.isTextual() && !keepAlive.isNumber()) {
            throw f.wrongType("keep_alive", "a duration (\"5m\") or a number of seconds", keepAlive);
        }
        JsonNode format = f.get("format");
        if (format != null && !(format.isTextual() && format.textValue().isEmpty())) {
            throw ApiError.badRequest("'format' is not supported yet: this server has no constrained decoding, so it can "
                    + "promise neither JSON mode nor a JSON schema. Send the request without 'format' (and ask for JSON in the prompt).",
                    f.param("format"), "unsupported_value");
        }
        JsonNode think = f.get("think");
        if (think != null && !(think.isBoolean() && !think.booleanValue())) {
            throw ApiError.badRequest("'" + model + "' does not support thinking.", f.param("think"), "unsupported_value");
        }
        if (f.bool("logprobs", false)) {
            throw ApiError.badRequest("'logprobs' is not supported on the Ollama API yet; /v1/chat/completions returns them.",
                    f.param("logprobs"), "unsupported_value");
        }
        refuseImages(f.get("images"), f.param("images"));
        return new OllamaRequest(model, stream, OllamaOptions.read(f));
    }

    /** {@code images} (base64 images "for multimodal models such as llava"): this model reads text only. */
    static void refuseImages(JsonNode images, String param) {
        if (images == null || (images.isArray() && images.isEmpty())) return;
        throw ApiError.badRequest("'" + param + "': this model reads text only; images are not supported.", param,
                "unsupported_value");
    }
}
