package dev.cria.server.ollama;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cria.chat.ChatMessage;
import dev.cria.engine.Engine;
import dev.cria.engine.GenerationRequest;
import dev.cria.server.api.ApiError;
import dev.cria.server.api.ApiJson;
import dev.cria.server.api.ApiStyle;
import dev.cria.server.api.FunctionTools;
import dev.cria.server.api.RequestFields;
import dev.cria.server.generation.GenerationDriver;
import dev.cria.server.generation.GenerationRun;
import dev.cria.server.generation.JsonBodyFraming;
import dev.cria.server.generation.NdjsonFraming;
import dev.cria.server.generation.PromptBound;
import dev.cria.server.safety.ContentSafety;
import dev.cria.server.safety.GuardedAnswers;
import dev.cria.server.serving.CpuWork;
import dev.cria.server.serving.ServerState;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /api/chat} (Ollama, "Generate a chat completion"): the conversation rendered with the
 * model's chat template, answered as NDJSON lines (or one body with {@code stream: false}), with
 * {@code tools} and their calls in {@code message.tool_calls}, {@code format} (JSON mode or a JSON
 * schema, through the grammar; the answer is then content, not calls). No messages: Ollama's "load a model"
 * answer ({@code done_reason: "load"}); the model is always loaded.
 */
public final class OllamaChat {
    private final ServerState state;
    private final ContentSafety safety;

    public OllamaChat(ServerState state) {
        this(state, ContentSafety.off());
    }

    /** With content filtering: a blocked prompt is {@code {"error": ...}} 400, a blocked answer ends with {@code done_reason: "content_filter"}. */
    public OllamaChat(ServerState state, ContentSafety safety) {
        this.state = state;
        this.safety = safety;
    }

    /** A validated request; {@code requests} is empty when there was nothing to answer (no messages). */
    record Prepared(OllamaRequest request, List<ChatMessage> messages, int[] prompt, List<Object> tools,
                    List<GenerationRequest> requests) {
    }

    Prepared prepare(Engine engine, ObjectNode body) {
        RequestFields f = RequestFields.of(body);
        OllamaRequest r = OllamaRequest.read(state.models(), f);
        List<ChatMessage> messages = OllamaMessages.read(f);
        List<Object> tools = FunctionTools.read(f);
        if (messages.isEmpty()) return new Prepared(r, messages, new int[0], tools, List.of());
        int context = engine.info().contextLength();
        long contentBytes = PromptBound.chatContentBytes(messages);
        r.options().checkPromptCanFit(PromptBound.minTokens(contentBytes, engine.longestTokenBytes()), contentBytes, context,
                "messages");
        int[] prompt;
        try {
            // No tools is null, never []: the Llama 3.2 template tests `tools is not none`.
            prompt = engine.renderChat(messages, tools.isEmpty() ? null : tools, true);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage(), "messages");
        }
        return new Prepared(r, messages, prompt, tools, r.constrained(engine, r.options().requests(prompt, context, r.stream(), "messages")));
    }

    public void handle(Context ctx) throws Exception {
        Durations durations = new Durations(System.nanoTime());
        Engine engine = state.engine();
        byte[] body = ctx.bodyAsBytes();
        Prepared p = CpuWork.call(() -> prepare(engine, ApiJson.parseObject(body)));
        String model = p.request().model();
        if (p.requests().isEmpty()) {
            ctx.contentType("application/json");
            ctx.result(ApiJson.bytes(OllamaShapes.ChatResponse.last(model, OllamaShapes.Message.assistant(""), "load", null)));
            return;
        }
        safety.admitPrompt(p.messages());
        try (GenerationRun run = GenerationRun.submit(engine, p.requests(), state)) {
            durations.submitted();
            // Under a format the answer is the formatted content, never read as a tool call.
            boolean mayCall = !p.tools().isEmpty() && p.request().format() == null;
            OllamaAnswer answer = new OllamaAnswer(new Lines(model), p.request().stream(),
                    text -> mayCall ? toolCalls(engine, text) : List.of(), mayCall, durations);
            GenerationDriver.drive(run, GuardedAnswers.of(safety, answer, (i, text) -> safety.judgeAnswer(p.messages(), text),
                    run, p.request().stream(), p.prompt().length), p.request().stream() ? NdjsonFraming.of(ctx) : new JsonBodyFraming(ctx));
        }
    }

    /**
     * The text as Ollama's tool calls ({@code function.arguments} an object), or none: a call whose
     * arguments are not a JSON object cannot be sent in Ollama's shape, so the text stays text.
     */
    private static List<OllamaShapes.ToolCall> toolCalls(Engine engine, String text) {
        List<dev.cria.chat.ToolCall> parsed = engine.parseToolCalls(text);
        List<OllamaShapes.ToolCall> out = new ArrayList<>(parsed.size());
        for (int i = 0; i < parsed.size(); i++) {
            dev.cria.chat.ToolCall c = parsed.get(i);
            Object args = c.arguments() == null ? Map.of() : c.arguments();
            if (!(args instanceof Map<?, ?> map)) return List.of();
            @SuppressWarnings("unchecked")
            Map<String, Object> arguments = (Map<String, Object>) map;
            String id = c.id() != null && !c.id().isBlank() ? c.id() : ApiStyle.newToolCallId();
            out.add(new OllamaShapes.ToolCall(id, new OllamaShapes.Function(i, c.name(), arguments)));
        }
        return out;
    }

    /** /api/chat's lines: an assistant {@code message} each. */
    private record Lines(String model) implements OllamaAnswer.Shape {
        @Override
        public Object text(String text) {
            return OllamaShapes.ChatResponse.chunk(model, OllamaShapes.Message.assistant(text));
        }

        @Override
        public Object toolCalls(List<OllamaShapes.ToolCall> calls) {
            return OllamaShapes.ChatResponse.chunk(model, new OllamaShapes.Message("assistant", "", calls));
        }

        @Override
        public Object last(String text, List<OllamaShapes.ToolCall> calls, String doneReason, OllamaShapes.Stats stats) {
            return OllamaShapes.ChatResponse.last(model, new OllamaShapes.Message("assistant", text, calls), doneReason, stats);
        }
    }
}
