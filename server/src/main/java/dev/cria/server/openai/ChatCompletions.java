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
import dev.cria.server.safety.ContentSafety;
import dev.cria.server.safety.FilterOutcome;
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
    private final ContentSafety safety;

    public ChatCompletions(ServerState state, ApiStyle style) {
        this(state, style, ContentSafety.off());
    }

    /** With content filtering: the prompt and each answer are judged by {@code safety}'s filter when it has one. */
    public ChatCompletions(ServerState state, ApiStyle style, ContentSafety safety) {
        this.state = state;
        this.style = style;
        this.safety = safety;
    }

    /** A validated request, ready for the engine. */
    record Prepared(String model, int[] prompt, List<Object> tools, GenerationSettings settings, boolean logprobs,
                    List<GenerationRequest> requests, boolean forcedCalls, List<ChatMessage> messages) {
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
        return new Prepared(model, prompt, tools, s, logprobs, requests, constraint != null && constraint.toolCalls(), messages);
    }

    /**
     * What the answer must follow: the tool calls {@code tool_choice} obliges; with tools on
     * {@code "auto"} and a {@code response_format} (or llama.cpp's {@code grammar}), a call or an answer
     * of the format; else the format. Both are validated either way.
     */
    private static OutputConstraint constraint(RequestFields f, List<Object> tools) {
        OutputConstraint format = ResponseFormats.read(f);
        boolean parallel = f.bool("parallel_tool_calls", true);
        return ToolChoices.of(tools, f.get("tool_choice"), parallel, f.param("tools"), format);
    }

    public void handle(Context ctx) throws Exception {
        Engine engine = state.engine();
        byte[] body = ctx.bodyAsBytes();
        Prepared p = CpuWork.call(() -> prepare(engine, ApiJson.parseObject(body)));
        // The prompt filter runs before generation: a blocked prompt is a 400 and nothing is generated.
        FilterOutcome promptOutcome = safety.admitPrompt(p.messages());
        Filtering filtering = new Filtering(p, promptOutcome);
        String id = style.newChatId();
        long created = System.currentTimeMillis() / 1000;
        try (GenerationRun run = GenerationRun.submit(engine, p.requests(), state)) {
            if (p.settings().stream()) {
                GenerationDriver.drive(run, new ChatStream(engine, p, run, id, created, filtering), SseFraming.openAi(ctx));
            } else {
                GenerationDriver.drive(run, new CollectedChoices(outs -> completion(engine, p, outs, id, created, filtering)),
                        new JsonBodyFraming(ctx));
            }
        }
    }

    /** One request's content filtering: its prompt's outcome, the response filter, and what the answer reports. */
    private final class Filtering {
        final Prepared p;
        final FilterOutcome prompt;
        final boolean report = safety.reports(style);

        Filtering(Prepared p, FilterOutcome prompt) {
            this.p = p;
            this.prompt = prompt;
        }

        boolean active() {
            return safety.active();
        }

        /** The response filter on {@code answer}; an interrupted check is a server shutting down. */
        FilterOutcome check(String answer) {
            return safety.judgeAnswer(p.messages(), answer);
        }

        /** A choice's or chunk's {@code content_filter_results}, or null (absent) where they are not reported. */
        Object results(FilterOutcome o) {
            return report ? safety.results(o) : null;
        }

        Object promptResults() {
            return report ? safety.promptResults(prompt) : null;
        }
    }

    private OpenAiShapes.ChatCompletion completion(Engine engine, Prepared p, List<ChoiceOutput> outs, String id,
                                                   long created, Filtering filtering) {
        List<OpenAiShapes.ChatChoice> choices = new ArrayList<>(outs.size());
        int completionTokens = 0;
        int cached = 0;
        for (int i = 0; i < outs.size(); i++) {
            ChoiceOutput o = outs.get(i);
            completionTokens += o.usage().completionTokens();
            cached = Math.max(cached, o.usage().cachedTokens());
            FilterOutcome outcome = filtering.active() ? filtering.check(o.text()) : FilterOutcome.NOT_RUN;
            OpenAiShapes.ChatLogprobs lps = p.logprobs() ? new OpenAiShapes.ChatLogprobs(OpenAiShapes.entries(o.logprobs()), null) : null;
            if (outcome.blocked()) {
                // Azure's filtered choice: no content, finish_reason content_filter, the results saying why.
                choices.add(new OpenAiShapes.ChatChoice(i, new OpenAiShapes.Message("assistant", null, null, null), null,
                        FILTERED, filtering.results(outcome)));
                continue;
            }
            List<OpenAiShapes.ToolCall> calls = toolCalls(engine, p, o.text(), o.reason(), false);
            OpenAiShapes.Message message = calls.isEmpty()
                    ? new OpenAiShapes.Message("assistant", o.text(), null, null)
                    : new OpenAiShapes.Message("assistant", null, null, calls);
            String finish = calls.isEmpty() ? o.reason().apiName : FinishReason.TOOL_CALLS.apiName;
            choices.add(new OpenAiShapes.ChatChoice(i, message, lps, finish, filtering.results(outcome)));
        }
        return new OpenAiShapes.ChatCompletion(id, "chat.completion", created, p.model(), choices,
                OpenAiShapes.usage(style, p.prompt().length, completionTokens, cached), style.systemFingerprint,
                filtering.promptResults());
    }

    /** The finish reason of an answer the content filter stopped (OpenAI's and Azure's). */
    static final String FILTERED = "content_filter";

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
        private final GenerationRun run;
        private final Filtering filtering;
        private int completionTokens;
        private int cached;

        ChatStream(Engine engine, Prepared p, GenerationRun run, String id, long created, Filtering filtering) {
            this.engine = engine;
            this.p = p;
            this.id = id;
            this.created = created;
            this.run = run;
            this.filtering = filtering;
            int n = run.size();
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
                // The first chunk carries the prompt filter's results, as Azure's stream does before any content.
                out.send(new OpenAiShapes.ChatChunk(id, "chat.completion.chunk", created, p.model(), style.systemFingerprint,
                        List.of(new OpenAiShapes.ChunkChoice(i, new OpenAiShapes.Delta("assistant", "", null), null, null,
                                filtering.results(FilterOutcome.NOT_RUN))),
                        usageField, i == 0 ? filtering.promptResults() : null));
            }
        }

        @Override
        public void text(int index, String text, TokenLogprob logprob, FrameSink out) throws IOException {
            StreamChoice c = choices[index];
            c.tokens++;
            if (logprob != null) c.pendingLogprobs.add(logprob);
            if (c.calls != null) {
                c.all.append(text);
                streamCalls(out, index, c, text);
            } else {
                release(out, index, c, text);
                if (filtering.active() && c.tokens % safety.interval() == 0) checkpoint(out, index, c, false);
            }
        }

        /**
         * The response filter on the answer so far: text held since the last check is sent only once
         * it passed (with that check's results); a blocked answer ends its choice here with
         * {@code finish_reason: "content_filter"} and its generation is stopped.
         */
        private boolean checkpoint(FrameSink out, int index, StreamChoice c, boolean last) throws IOException {
            String candidate = c.all.toString() + c.unchecked + (last ? c.held : "");
            if (!last && c.unchecked.isEmpty()) return true;
            FilterOutcome o = filtering.check(candidate);
            c.outcome = o;
            if (o.blocked()) {
                c.unchecked.setLength(0);
                c.pendingLogprobs.clear();
                out.send(chunk(index, new OpenAiShapes.Delta(null, null, null), null, FILTERED, filtering.results(o)));
                c.blocked = true;
                if (!last) {
                    completionTokens += c.tokens;
                    run.stop(index);
                }
                return false;
            }
            if (!c.unchecked.isEmpty()) {
                String passed = c.unchecked.toString();
                c.all.append(passed);
                c.unchecked.setLength(0);
                out.send(chunk(index, new OpenAiShapes.Delta(null, passed, null), logprobs(c), null, filtering.results(o)));
            }
            return true;
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
                c.all.append(text);
                // Obliged calls stream as they come; the filter judges the whole call at the end.
                FilterOutcome o = filtering.active() ? filtering.check(c.all.toString()) : FilterOutcome.NOT_RUN;
                String finish = o.blocked() ? FILTERED
                        : c.calls.calls() > 0 && reason == FinishReason.STOP ? FinishReason.TOOL_CALLS.apiName : reason.apiName;
                out.send(chunk(index, new OpenAiShapes.Delta(null, null, null),
                        c.pendingLogprobs.isEmpty() ? null : logprobs(c), finish, filtering.results(o)));
                return;
            }
            release(out, index, c, text);
            if (filtering.active() && !checkpoint(out, index, c, true)) return;
            String finish = reason.apiName;
            List<OpenAiShapes.ToolCall> calls = toolCalls(engine, p, c.held.toString(), reason, true);
            Object results = filtering.results(c.outcome);
            if (!calls.isEmpty()) {
                finish = FinishReason.TOOL_CALLS.apiName;
                out.send(chunk(index, new OpenAiShapes.Delta(null, null, calls), logprobs(c), null, results));
            } else if (!c.held.isEmpty()) {
                out.send(chunk(index, new OpenAiShapes.Delta(null, c.held.toString(), null), logprobs(c), null, results));
            }
            out.send(chunk(index, new OpenAiShapes.Delta(null, null, null),
                    c.pendingLogprobs.isEmpty() ? null : logprobs(c), finish, results));
        }

        @Override
        public void end(FrameSink out) throws IOException {
            if (p.settings().includeUsage()) {
                out.send(new OpenAiShapes.ChatChunk(id, "chat.completion.chunk", created, p.model(), style.systemFingerprint,
                        List.of(), OpenAiShapes.usage(style, p.prompt().length, completionTokens, cached)));
            }
        }

        /**
         * New text of a choice: sent at once (or, with a content filter, kept until the next check
         * passes it), or held while it may be the start of a tool call.
         */
        private void release(FrameSink out, int index, StreamChoice c, String text) throws IOException {
            if (text.isEmpty()) return;
            if (c.holding) {
                c.held.append(text);
                if (FunctionTools.mayBeCall(c.held)) return;
                c.holding = false;
                text = c.held.toString();
                c.held.setLength(0);
            }
            if (filtering.active()) {
                c.unchecked.append(text);
                return;
            }
            c.all.append(text);
            out.send(chunk(index, new OpenAiShapes.Delta(null, text, null), logprobs(c), null, filtering.results(c.outcome)));
        }

        private OpenAiShapes.ChatLogprobs logprobs(StreamChoice c) {
            if (!p.logprobs()) return null;
            OpenAiShapes.ChatLogprobs lps = new OpenAiShapes.ChatLogprobs(OpenAiShapes.entries(c.pendingLogprobs), null);
            c.pendingLogprobs.clear();
            return lps;
        }

        private OpenAiShapes.ChatChunk chunk(int index, OpenAiShapes.Delta delta, OpenAiShapes.ChatLogprobs logprobs,
                                             String finish) {
            return chunk(index, delta, logprobs, finish, filtering.results(choices[index].outcome));
        }

        private OpenAiShapes.ChatChunk chunk(int index, OpenAiShapes.Delta delta, OpenAiShapes.ChatLogprobs logprobs,
                                             String finish, Object contentFilterResults) {
            return new OpenAiShapes.ChatChunk(id, "chat.completion.chunk", created, p.model(), style.systemFingerprint,
                    List.of(new OpenAiShapes.ChunkChoice(index, delta, logprobs, finish, contentFilterResults)), usageField);
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
        /** The answer's text sent (or, for obliged calls, generated) so far: what the response filter judges. */
        final StringBuilder all = new StringBuilder();
        /** Text not yet judged by the content filter (only with one): sent once a check passes it. */
        final StringBuilder unchecked = new StringBuilder();
        /** The last check's outcome: what the choice's chunks report. */
        FilterOutcome outcome = FilterOutcome.NOT_RUN;
        int tokens;
        boolean blocked;

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
