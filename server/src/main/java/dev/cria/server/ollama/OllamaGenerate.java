package dev.cria.server.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cria.chat.ChatMessage;
import dev.cria.engine.Engine;
import dev.cria.engine.GenerationRequest;
import dev.cria.server.api.ApiError;
import dev.cria.server.api.ApiJson;
import dev.cria.server.api.RequestFields;
import dev.cria.server.generation.GenerationDriver;
import dev.cria.server.generation.GenerationRun;
import dev.cria.server.generation.JsonBodyFraming;
import dev.cria.server.generation.NdjsonFraming;
import dev.cria.server.generation.PromptBound;
import dev.cria.server.generation.RawPrompt;
import dev.cria.server.safety.ContentSafety;
import dev.cria.server.safety.GuardedAnswers;
import dev.cria.server.serving.CpuWork;
import dev.cria.server.serving.ServerState;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /api/generate} (Ollama, "Generate a completion"). The {@code prompt} is one user turn
 * under the model's chat template, after {@code system} when given (as Ollama's template puts it);
 * with {@code raw: true} it is the whole prompt, tokenized as it is ({@link RawPrompt}). No prompt:
 * Ollama's "load a model" answer. Refused with a 400 that says why, since each would need what this
 * server does not have: {@code template} (a Go template; the model's own template is used),
 * {@code context} (Ollama's deprecated token memory; /api/chat keeps a conversation), {@code suffix}
 * (Llama 3.2 has no fill-in-the-middle), {@code system} with {@code raw}. Answers carry no
 * {@code context}.
 */
public final class OllamaGenerate {
    private final ServerState state;
    private final ContentSafety safety;

    public OllamaGenerate(ServerState state) {
        this(state, ContentSafety.off());
    }

    /** With content filtering: {@code prompt} is judged as the user's turn, the answer as the reply to it. */
    public OllamaGenerate(ServerState state, ContentSafety safety) {
        this.state = state;
        this.safety = safety;
    }

    /** A validated request; {@code requests} is empty when there was nothing to answer (no prompt). */
    record Prepared(OllamaRequest request, String text, int[] prompt, List<GenerationRequest> requests) {
    }

    Prepared prepare(Engine engine, ObjectNode body) {
        RequestFields f = RequestFields.of(body);
        OllamaRequest r = OllamaRequest.read(state.models(), f);
        String prompt = f.string("prompt");
        String system = f.string("system");
        boolean raw = f.bool("raw", false);
        refuseUnsupported(f, r.model(), raw, system);
        if (prompt == null || prompt.isEmpty()) return new Prepared(r, prompt, new int[0], List.of());
        int context = engine.info().contextLength();
        long bytes = PromptBound.utf8Bytes(prompt) + (system == null ? 0 : PromptBound.utf8Bytes(system.strip()));
        r.options().checkPromptCanFit(PromptBound.minTokens(bytes, engine.longestTokenBytes()), bytes, context, "prompt");
        int[] ids = raw ? RawPrompt.tokenize(engine, prompt) : engine.renderChat(turn(system, prompt), null, true);
        return new Prepared(r, prompt, ids, r.constrained(engine, r.options().requests(ids, context, r.stream(), "prompt")));
    }

    private static void refuseUnsupported(RequestFields f, String model, boolean raw, String system) {
        if (f.string("template") != null && !f.string("template").isEmpty()) {
            throw ApiError.badRequest("'template' is not supported: the model's own chat template is applied. Send raw: true "
                    + "with a prompt you templated yourself instead.", f.param("template"), "unsupported_value");
        }
        JsonNode context = f.get("context");
        if (context != null && !(context.isArray() && context.isEmpty())) {
            throw ApiError.badRequest("'context' is not supported (Ollama deprecates it too): send the conversation's "
                    + "messages to /api/chat instead.", f.param("context"), "unsupported_value");
        }
        if (f.string("suffix") != null && !f.string("suffix").isEmpty()) {
            throw ApiError.badRequest("'" + model + "' does not support insert: 'suffix' needs a fill-in-the-middle model.",
                    f.param("suffix"), "unsupported_value");
        }
        if (raw && system != null && !system.isEmpty()) {
            throw ApiError.badRequest("'system' cannot be used with raw: true: a raw prompt is sent as it is, with no template "
                    + "to put the system message in.", f.param("system"), "unsupported_value");
        }
    }

    private static List<ChatMessage> turn(String system, String prompt) {
        List<ChatMessage> messages = new ArrayList<>(2);
        if (system != null && !system.isEmpty()) messages.add(ChatMessage.of("system", system));
        messages.add(ChatMessage.of("user", prompt));
        return messages;
    }

    public void handle(Context ctx) throws Exception {
        Durations durations = new Durations(System.nanoTime());
        Engine engine = state.engine();
        byte[] body = ctx.bodyAsBytes();
        Prepared p = CpuWork.call(() -> prepare(engine, ApiJson.parseObject(body)));
        String model = p.request().model();
        if (p.requests().isEmpty()) {
            ctx.contentType("application/json");
            ctx.result(ApiJson.bytes(OllamaShapes.GenerateResponse.last(model, "", "load", null)));
            return;
        }
        safety.admitPromptText(p.text());
        try (GenerationRun run = GenerationRun.submit(engine, p.requests(), state)) {
            durations.submitted();
            OllamaAnswer answer = new OllamaAnswer(new Lines(model), p.request().stream(), text -> List.of(), false, durations);
            GenerationDriver.drive(run, GuardedAnswers.of(safety, answer, (i, text) -> safety.judgeCompletionText(p.text(), text),
                    run, p.request().stream(), p.prompt().length), p.request().stream() ? NdjsonFraming.of(ctx) : new JsonBodyFraming(ctx));
        }
    }

    /** /api/generate's lines: the new text in {@code response}. */
    private record Lines(String model) implements OllamaAnswer.Shape {
        @Override
        public Object text(String text) {
            return OllamaShapes.GenerateResponse.chunk(model, text);
        }

        @Override
        public Object toolCalls(List<OllamaShapes.ToolCall> calls) {
            throw new IllegalStateException("/api/generate offers no tools");
        }

        @Override
        public Object last(String text, List<OllamaShapes.ToolCall> calls, String doneReason, OllamaShapes.Stats stats) {
            return OllamaShapes.GenerateResponse.last(model, text, doneReason, stats);
        }
    }
}
