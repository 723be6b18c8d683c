package dev.cria.server.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cria.chat.ChatMessage;
import dev.cria.engine.Engine;
import dev.cria.engine.FinishReason;
import dev.cria.engine.GenerationRequest;
import dev.cria.engine.TokenLogprob;
import dev.cria.engine.Usage;
import dev.cria.server.api.ApiError;
import dev.cria.server.api.ApiJson;
import dev.cria.server.api.ApiStyle;
import dev.cria.server.api.FunctionTools;
import dev.cria.server.api.RequestFields;
import dev.cria.server.generation.CollectedChoices.ChoiceOutput;
import dev.cria.server.generation.CollectedChoices;
import dev.cria.server.generation.FrameSink;
import dev.cria.server.generation.GenerationDriver;
import dev.cria.server.generation.GenerationFrames;
import dev.cria.server.generation.GenerationRun;
import dev.cria.server.generation.GenerationSettings;
import dev.cria.server.generation.JsonBodyFraming;
import dev.cria.server.generation.PromptBound;
import dev.cria.server.generation.SseFraming;
import dev.cria.grammar.TokenGrammar;
import dev.cria.server.serving.CpuWork;
import dev.cria.server.structured.CompiledGrammars;
import dev.cria.server.structured.OutputConstraint;
import dev.cria.server.structured.ResponseFormats;
import dev.cria.server.structured.ToolChoices;
import dev.cria.server.structured.ToolCallStream;
import dev.cria.server.serving.ServerState;
import io.javalin.http.Context;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /v1/chat/completions} (and under {@code /v3/openai}): OpenAI's chat completions,
 * streaming and not, n choices, logprobs and tool calls.
 */
public final class ChatCompletions {
    private final ServerState state;
    private final ApiStyle style;

    public ChatCompletions(ServerState state, ApiStyle style) {
        this.state = state;
        this.style = style;
    }

    /** A validated request, ready for the engine. */
    record Prepared(String model, int[] prompt, List<Object> tools, GenerationSettings settings, boolean logprobs,
                    List<GenerationRequest> requests, boolean forcedCalls) {
    }

    Prepared prepare(Engine engine, ObjectNode body) {
        RequestFields f = RequestFields.of(body);
        String model = state.models().resolve(f.requiredString("model"), style);
        List<ChatMessage> messages = ChatMessages.read(f);
        List<Object> tools = ChatMessages.tools(f);
        GenerationSettings s = GenerationSettings.read(f, engine.info().vocabSize(),
                List.of("max_completion_tokens", "max_tokens"), null);
        boolean logprobs = f.bool("logprobs", false);
        Long top = f.integer("top_logprobs", 0, 20);
        if (top != null && !logprobs) {
            throw ApiError.badRequest("Invalid value for 'top_logprobs': you must set 'logprobs' to true to use 'top_logprobs'.",
                    "top_logprobs");
        }
        long contentBytes = PromptBound.chatContentBytes(messages);
        s.checkPromptCanFit(PromptBound.minTokens(contentBytes, engine.longestTokenBytes()), contentBytes,
                engine.info().contextLength(), "messages");
        int[] prompt;
        try {
            // No tools is null, never []: the Llama 3.2 template tests `tools is not none`, so an empty
            // list would render the "Environment: ipython" preamble (vLLM passes None too).
            prompt = engine.renderChat(messages, tools.isEmpty() ? null : tools, true);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage(), "messages");
        }
        int topLogprobs = logprobs ? (top == null ? 0 : top.intValue()) : -1;
        List<GenerationRequest> requests = s.requests(prompt, engine.info().contextLength(), topLogprobs, "messages");
        OutputConstraint constraint = constraint(f, tools);
        if (constraint != null) {
            TokenGrammar grammar = CompiledGrammars.compile(engine, constraint);
            requests = requests.stream().map(r -> r.withGrammar(grammar)).toList();
        }
        return new Prepared(model, prompt, tools, s, logprobs, requests, constraint != null && constraint.toolCalls());
    }

    /**
     * What the answer must follow: the tool calls {@code tool_choice} obliges, else
     * {@code response_format} (or llama.cpp's {@code grammar}); both are validated either way.
     */
    private static OutputConstraint constraint(RequestFields f, List<Object> tools) {
        OutputConstraint format = ResponseFormats.read(f);
        boolean parallel = f.bool("parallel_tool_calls", true);
        OutputConstraint calls = ToolChoices.of(tools, f.get("tool_choice"), parallel, f.param("tools"));
        return calls != null ? calls : format;
    }

    public void handle(Context ctx) throws Exception {
        Engine engine = state.engine();
        byte[] body = ctx.bodyAsBytes();
        Prepared p = CpuWork.call(() -> prepare(engine, ApiJson.parseObject(body)));
        String id = style.newChatId();
        long created = System.currentTimeMillis() / 1000;
        try (GenerationRun run = GenerationRun.submit(engine, p.requests(), state)) {
            if (p.settings().stream()) {
                GenerationDriver.drive(run, new ChatStream(engine, p, run.size(), id, created), SseFraming.openAi(ctx));
            } else {
                GenerationDriver.drive(run, new CollectedChoices(outs -> completion(engine, p, outs, id, created)),
                        new JsonBodyFraming(ctx));
            }
        }
    }

    private OpenAiShapes.ChatCompletion completion(Engine engine, Prepared p, List<ChoiceOutput> outs, String id,
                                                   long created) {
        List<OpenAiShapes.ChatChoice> choices = new ArrayList<>(outs.size());
        int completionTokens = 0;
        int cached = 0;
        for (int i = 0; i < outs.size(); i++) {
            ChoiceOutput o = outs.get(i);
            completionTokens += o.usage().completionTokens();
            cached = Math.max(cached, o.usage().cachedTokens());
            List<OpenAiShapes.ToolCall> calls = toolCalls(engine, p, o.text(), o.reason(), false);
            OpenAiShapes.Message message = calls.isEmpty()
                    ? new OpenAiShapes.Message("assistant", o.text(), null, null)
                    : new OpenAiShapes.Message("assistant", null, null, calls);
            String finish = calls.isEmpty() ? o.reason().apiName : FinishReason.TOOL_CALLS.apiName;
            OpenAiShapes.ChatLogprobs lps = p.logprobs() ? new OpenAiShapes.ChatLogprobs(OpenAiShapes.entries(o.logprobs()), null) : null;
            choices.add(new OpenAiShapes.ChatChoice(i, message, lps, finish));
        }
        return new OpenAiShapes.ChatCompletion(id, "chat.completion", created, p.model(), choices,
                OpenAiShapes.usage(style, p.prompt().length, completionTokens, cached), style.systemFingerprint);
    }

    /** The text as OpenAI tool calls when tools were given, the model stopped by itself, and the text parses as calls. */
    private static List<OpenAiShapes.ToolCall> toolCalls(Engine engine, Prepared p, String text, FinishReason reason,
                                                         boolean indexed) {
        if (p.tools().isEmpty() || text.isBlank() || reason != FinishReason.STOP || !FunctionTools.mayBeCall(text)) return List.of();
        List<dev.cria.chat.ToolCall> parsed = engine.parseToolCalls(text);
        List<OpenAiShapes.ToolCall> out = new ArrayList<>(parsed.size());
        for (int i = 0; i < parsed.size(); i++) {
            dev.cria.chat.ToolCall c = parsed.get(i);
            String args = c.arguments() instanceof String s ? s : ApiJson.string(c.arguments() == null ? java.util.Map.of() : c.arguments());
            String callId = c.id() != null && !c.id().isBlank() ? c.id() : ApiStyle.newToolCallId();
            out.add(new OpenAiShapes.ToolCall(indexed ? i : null, callId, "function", new OpenAiShapes.Function(c.name(), args)));
        }
        return out;
    }

    /**
     * One streamed chat completion, as OpenAI streams it (API reference, "The chat completion chunk
     * object"): per choice a first chunk with the role, then content deltas, then a chunk with the
     * finish_reason; with {@code stream_options.include_usage} a last chunk with no choices and the
     * usage (every other chunk carries {@code "usage": null}).
     */
    private final class ChatStream implements GenerationFrames {
        private final Engine engine;
        private final Prepared p;
        private final String id;
        private final long created;
        private final Object usageField;
        private final StreamChoice[] choices;
        private int completionTokens;
        private int cached;

        ChatStream(Engine engine, Prepared p, int n, String id, long created) {
            this.engine = engine;
            this.p = p;
            this.id = id;
            this.created = created;
            this.usageField = p.settings().includeUsage() ? OpenAiShapes.USAGE_PENDING : null;
            this.choices = new StreamChoice[n];
            for (int i = 0; i < n; i++) {
                choices[i] = new StreamChoice(p.forcedCalls());
                choices[i].holding = !p.tools().isEmpty() && !p.forcedCalls();
            }
        }

        @Override
        public void start(FrameSink out) throws IOException {
            for (int i = 0; i < choices.length; i++) {
                out.send(chunk(i, new OpenAiShapes.Delta("assistant", "", null), null, null));
            }
        }

        @Override
        public void text(int index, String text, TokenLogprob logprob, FrameSink out) throws IOException {
            StreamChoice c = choices[index];
            if (logprob != null) c.pendingLogprobs.add(logprob);
            if (c.calls != null) streamCalls(out, index, c, text);
            else release(out, index, c, text);
        }

        /** Obliged tool calls stream as OpenAI's deltas: the call's index, id, type and name, then argument fragments. */
        private void streamCalls(FrameSink out, int index, StreamChoice c, String text) throws IOException {
            c.calls.accept(text);
            for (OpenAiShapes.ToolCall delta : c.pendingCalls) {
                out.send(chunk(index, new OpenAiShapes.Delta(null, null, List.of(delta)), logprobs(c), null));
            }
            c.pendingCalls.clear();
        }

        @Override
        public void finish(int index, String text, FinishReason reason, Usage usage, FrameSink out) throws IOException {
            StreamChoice c = choices[index];
            completionTokens += usage.completionTokens();
            cached = Math.max(cached, usage.cachedTokens());
            if (c.calls != null) {
                streamCalls(out, index, c, text);
                String finish = c.calls.calls() > 0 && reason == FinishReason.STOP ? FinishReason.TOOL_CALLS.apiName : reason.apiName;
                out.send(chunk(index, new OpenAiShapes.Delta(null, null, null),
                        c.pendingLogprobs.isEmpty() ? null : logprobs(c), finish));
                return;
            }
            release(out, index, c, text);
            String finish = reason.apiName;
            List<OpenAiShapes.ToolCall> calls = toolCalls(engine, p, c.held.toString(), reason, true);
            if (!calls.isEmpty()) {
                finish = FinishReason.TOOL_CALLS.apiName;
                out.send(chunk(index, new OpenAiShapes.Delta(null, null, calls), logprobs(c), null));
            } else if (!c.held.isEmpty()) {
                out.send(chunk(index, new OpenAiShapes.Delta(null, c.held.toString(), null), logprobs(c), null));
            }
            out.send(chunk(index, new OpenAiShapes.Delta(null, null, null),
                    c.pendingLogprobs.isEmpty() ? null : logprobs(c), finish));
        }

        @Override
        public void end(FrameSink out) throws IOException {
            if (p.settings().includeUsage()) {
                out.send(new OpenAiShapes.ChatChunk(id, "chat.completion.chunk", created, p.model(), style.systemFingerprint,
                        List.of(), OpenAiShapes.usage(style, p.prompt().length, completionTokens, cached)));
            }
        }

        /** New text of a choice: sent at once, or held while it may be the start of a tool call. */
        private void release(FrameSink out, int index, StreamChoice c, String text) throws IOException {
            if (text.isEmpty()) return;
            if (c.holding) {
                c.held.append(text);
                if (FunctionTools.mayBeCall(c.held)) return;
                c.holding = false;
                text = c.held.toString();
                c.held.setLength(0);
            }
            out.send(chunk(index, new OpenAiShapes.Delta(null, text, null), logprobs(c), null));
        }

        private OpenAiShapes.ChatLogprobs logprobs(StreamChoice c) {
            if (!p.logprobs()) return null;
            OpenAiShapes.ChatLogprobs lps = new OpenAiShapes.ChatLogprobs(OpenAiShapes.entries(c.pendingLogprobs), null);
            c.pendingLogprobs.clear();
            return lps;
        }

        private OpenAiShapes.ChatChunk chunk(int index, OpenAiShapes.Delta delta, OpenAiShapes.ChatLogprobs logprobs,
                                             String finish) {
            return new OpenAiShapes.ChatChunk(id, "chat.completion.chunk", created, p.model(), style.systemFingerprint,
                    List.of(new OpenAiShapes.ChunkChoice(index, delta, logprobs, finish)), usageField);
        }
    }

    /** One choice's stream state: text held back while it may still turn out to be a tool call, and logprobs not yet sent. */
    private static final class StreamChoice {
        final StringBuilder held = new StringBuilder();
        final List<TokenLogprob> pendingLogprobs = new ArrayList<>();
        boolean holding;
        /** Obliged tool calls (tool_choice required or named): read as they stream; null otherwise. */
        final ToolCallStream calls;
        final List<OpenAiShapes.ToolCall> pendingCalls = new ArrayList<>();

        StreamChoice(boolean forcedCalls) {
            this.calls = forcedCalls ? new ToolCallStream(new ToolCallStream.Listener() {
                @Override
                public void callStarted(int index, String name) {
                    pendingCalls.add(new OpenAiShapes.ToolCall(index, ApiStyle.newToolCallId(), "function",
                            new OpenAiShapes.Function(name, "")));
                }

                @Override
                public void arguments(int index, String fragment) {
                    pendingCalls.add(new OpenAiShapes.ToolCall(index, null, null, new OpenAiShapes.Function(null, fragment)));
                }
            }) : null;
        }
    }
}
