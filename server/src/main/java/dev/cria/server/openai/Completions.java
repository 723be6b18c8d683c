package dev.cria.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cria.engine.Engine;
import dev.cria.engine.FinishReason;
import dev.cria.engine.GenerationRequest;
import dev.cria.engine.TokenLogprob;
import dev.cria.engine.Usage;
import dev.cria.server.api.ApiError;
import dev.cria.server.api.ApiJson;
import dev.cria.server.api.ApiStyle;
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
import dev.cria.server.generation.RawPrompt;
import dev.cria.server.generation.SseFraming;
import dev.cria.grammar.TokenGrammar;
import dev.cria.server.serving.CpuWork;
import dev.cria.server.structured.CompiledGrammars;
import dev.cria.server.structured.OutputConstraint;
import dev.cria.server.structured.ResponseFormats;
import dev.cria.server.serving.ServerState;
import dev.cria.server.safety.ContentSafety;
import dev.cria.server.safety.FilterOutcome;
import io.javalin.http.Context;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /v1/completions}: OpenAI's (legacy) text completions. {@code prompt} is a string, an
 * array of strings, an array of token ids, or an array of such arrays; each prompt gets n choices,
 * numbered prompt-major (choice index = prompt * n + i) as OpenAI numbers them.
 */
public final class Completions {
    /** OpenAI's default for this endpoint (the API reference: max_tokens "Defaults to 16"). */
    static final int DEFAULT_MAX_TOKENS = 16;

    private final ServerState state;
    private final ApiStyle style;

    private final ContentSafety safety;

    public Completions(ServerState state, ApiStyle style) {
        this(state, style, ContentSafety.off());
    }

    /** With content filtering: each prompt and each completion are judged by {@code safety}'s filter when it has one. */
    public Completions(ServerState state, ApiStyle style, ContentSafety safety) {
        this.state = state;
        this.style = style;
        this.safety = safety;
    }

    /** One prompt: its ids and the text echo would repeat. */
    public record Prompt(int[] ids, String text) {
    }

    /** A validated request, ready for the engine. */
    record Prepared(String model, List<Prompt> prompts, GenerationSettings settings, boolean echo, boolean logprobs,
                    List<GenerationRequest> requests, int promptTokens) {
    }

    public void handle(Context ctx) throws Exception {
        Engine engine = state.engine();
        byte[] body = ctx.bodyAsBytes();
        Prepared p = CpuWork.call(() -> prepare(engine, RequestFields.of(ApiJson.parseObject(body))));
        // The prompt filter judges each prompt (as the user's turn) before anything is generated.
        List<FilterOutcome> promptOutcomes = new ArrayList<>(p.prompts().size());
        for (Prompt pr : p.prompts()) promptOutcomes.add(safety.admitPromptText(pr.text()));
        Object promptResults = safety.reports(style) ? safety.promptResults(promptOutcomes) : null;
        String id = style.newCompletionId();
        long created = System.currentTimeMillis() / 1000;
        try (GenerationRun run = GenerationRun.submit(engine, p.requests(), state)) {
            if (p.settings().stream()) {
                GenerationDriver.drive(run, new CompletionStream(p, run, id, created, promptResults), SseFraming.openAi(ctx));
            } else {
                GenerationDriver.drive(run, new CollectedChoices(outs -> completion(p, outs, id, created, promptResults)),
                        new JsonBodyFraming(ctx));
            }
        }
    }

    /** The response filter on choice {@code i}'s text; an interrupted check is a server shutting down. */
    private FilterOutcome check(Prepared p, int i, String completion) {
        if (!safety.active()) return FilterOutcome.NOT_RUN;
        return safety.judgeCompletionText(p.prompts().get(i / p.settings().n()).text(), completion);
    }

    /** {@code content_filter_results} of {@code o}, or null (absent) where they are not reported. */
    private Object results(FilterOutcome o) {
        return safety.reports(style) ? safety.results(o) : null;
    }

    Prepared prepare(Engine engine, RequestFields f) {
        String model = state.models().resolve(f.requiredString("model"), style);
        GenerationSettings s = GenerationSettings.read(f, engine.info().vocabSize(), List.of("max_tokens"), DEFAULT_MAX_TOKENS);
        s.checkChoices(promptCount(f), "prompt"); // before any prompt is tokenized
        checkTextPromptsCanFit(engine, f, s);
        List<Prompt> prompts = prompts(engine, f);
        Long logprobs = f.integer("logprobs", 0, 5);
        boolean echo = f.bool("echo", false);
        if (echo && logprobs != null) {
            throw ApiError.badRequest("'echo' with 'logprobs' is not supported: prompt logprobs are not computed.", "echo");
        }
        Long bestOf = f.integer("best_of", 1, GenerationSettings.MAX_N);
        if (bestOf != null && bestOf != s.n()) {
            throw ApiError.badRequest("'best_of' other than 'n' is not supported.", "best_of");
        }
        if (f.has("suffix")) throw ApiError.badRequest("'suffix' is not supported by this model.", "suffix");
        int topLogprobs = logprobs == null ? -1 : logprobs.intValue();
        List<GenerationRequest> requests = new ArrayList<>();
        int promptTokens = 0;
        for (Prompt pr : prompts) {
            requests.addAll(s.requests(pr.ids(), engine.info().contextLength(), topLogprobs, "prompt"));
            promptTokens += pr.ids().length;
        }
        // vLLM and llama.cpp take response_format (and llama.cpp grammar) on raw completions too.
        OutputConstraint constraint = ResponseFormats.read(f);
        if (constraint != null) {
            TokenGrammar grammar = CompiledGrammars.compile(engine, constraint);
            requests = requests.stream().map(r -> r.withGrammar(grammar)).toList();
        }
        return new Prepared(model, prompts, s, echo, logprobs != null, requests, promptTokens);
    }

    /** Text prompts that cannot fit whatever their tokens are ({@link PromptBound}) are refused before any is tokenized. */
    private static void checkTextPromptsCanFit(Engine engine, RequestFields f, GenerationSettings s) {
        JsonNode v = f.get("prompt");
        if (v == null) return;
        for (JsonNode p : v.isArray() ? v : List.of(v)) {
            if (!p.isTextual()) continue;
            long bytes = PromptBound.utf8Bytes(p.textValue());
            s.checkPromptCanFit(PromptBound.minTokens(bytes, engine.longestTokenBytes()), bytes, engine.info().contextLength(),
                    "prompt");
        }
    }

    /** How many prompts {@code prompt} holds (1 for a string or one list of ids), without reading them. */
    static int promptCount(RequestFields f) {
        JsonNode v = f.get("prompt");
        if (v != null && v.isArray() && !v.isEmpty() && (v.get(0).isTextual() || v.get(0).isArray())) return v.size();
        return 1;
    }

    static List<Prompt> prompts(Engine engine, RequestFields f) {
        JsonNode v = f.get("prompt");
        if (v == null) throw ApiError.badRequest("Missing required parameter: 'prompt'.", "prompt");
        List<Prompt> out = new ArrayList<>();
        if (v.isTextual()) {
            out.add(textPrompt(engine, v.textValue()));
        } else if (v.isArray() && !v.isEmpty() && v.get(0).isTextual()) {
            for (JsonNode p : v) {
                if (!p.isTextual()) throw f.wrongType("prompt", "a string, an array of strings or an array of token ids", v);
                out.add(textPrompt(engine, p.textValue()));
            }
        } else if (v.isArray() && !v.isEmpty() && v.get(0).isArray()) {
            for (JsonNode p : v) out.add(idPrompt(engine, f, p, v));
        } else if (v.isArray() && !v.isEmpty()) {
            out.add(idPrompt(engine, f, v, v));
        } else {
            throw f.wrongType("prompt", "a string, an array of strings or an array of token ids", v);
        }
        return out;
    }

    /** A text prompt as {@link RawPrompt} tokenizes it; one that makes no tokens is a 400. */
    public static Prompt textPrompt(Engine engine, String text) {
        int[] ids = RawPrompt.tokenize(engine, text);
        if (ids.length == 0) throw ApiError.badRequest("Invalid 'prompt': the prompt is empty.", "prompt");
        return new Prompt(ids, text);
    }

    /** Token ids are used as given: the client chose them, BOS included or not. */
    private static Prompt idPrompt(Engine engine, RequestFields f, JsonNode ids, JsonNode whole) {
        if (!ids.isArray() || ids.isEmpty()) throw f.wrongType("prompt", "a non-empty array of token ids", whole);
        int[] out = f.tokenIds("prompt", ids, whole, engine.info().vocabSize());
        return new Prompt(out, engine.detokenize(out));
    }

    private OpenAiShapes.Completion completion(Prepared p, List<ChoiceOutput> outs, String id, long created,
                                               Object promptResults) {
        int n = p.settings().n();
        List<OpenAiShapes.CompletionChoice> choices = new ArrayList<>(outs.size());
        int completionTokens = 0;
        int cached = 0;
        for (int i = 0; i < outs.size(); i++) {
            ChoiceOutput o = outs.get(i);
            completionTokens += o.usage().completionTokens();
            cached += i % n == 0 ? o.usage().cachedTokens() : 0;
            String prefix = p.echo() ? p.prompts().get(i / n).text() : "";
            FilterOutcome outcome = check(p, i, o.text());
            if (outcome.blocked()) {
                choices.add(new OpenAiShapes.CompletionChoice(prefix, i, null, ChatCompletions.FILTERED, results(outcome)));
                continue;
            }
            OpenAiShapes.CompletionLogprobs lps = p.logprobs() ? OpenAiShapes.completionLogprobs(o.logprobs(), prefix.length()) : null;
            choices.add(new OpenAiShapes.CompletionChoice(prefix + o.text(), i, lps, o.reason().apiName, results(outcome)));
        }
        return new OpenAiShapes.Completion(id, "text_completion", created, p.model(), choices,
                OpenAiShapes.usage(style, p.promptTokens(), completionTokens, cached), style.systemFingerprint, promptResults);
    }

    /**
     * One streamed completion, as OpenAI streams it: per choice the echoed prompt (with {@code echo}),
     * then text chunks, the last one with the finish_reason; with {@code stream_options.include_usage}
     * a last chunk with no choices and the usage. Logprob text offsets count from the choice's start,
     * echoed prompt included.
     */
    private final class CompletionStream implements GenerationFrames {
        private final Prepared p;
        private final String id;
        private final long created;
        private final Object usageField;
        private final int[] offsets;
        private final List<List<TokenLogprob>> pending = new ArrayList<>();
        private final GenerationRun run;
        private final Object promptResults;
        /** Per choice, with a content filter: the text sent so far, the text not yet judged, the last outcome, tokens. */
        private final StringBuilder[] sent;
        private final StringBuilder[] unchecked;
        private final FilterOutcome[] outcomes;
        private final int[] tokens;
        private int completionTokens;
        private int cached;

        CompletionStream(Prepared p, GenerationRun run, String id, long created, Object promptResults) {
            int size = run.size();
            this.p = p;
            this.id = id;
            this.created = created;
            this.run = run;
            this.promptResults = promptResults;
            this.sent = new StringBuilder[size];
            this.unchecked = new StringBuilder[size];
            this.outcomes = new FilterOutcome[size];
            this.tokens = new int[size];
            for (int i = 0; i < size; i++) {
                sent[i] = new StringBuilder();
                unchecked[i] = new StringBuilder();
                outcomes[i] = FilterOutcome.NOT_RUN;
            }
            this.usageField = p.settings().includeUsage() ? OpenAiShapes.USAGE_PENDING : null;
            this.offsets = new int[size];
            for (int i = 0; i < size; i++) pending.add(new ArrayList<>());
        }

        @Override
        public void start(FrameSink out) throws IOException {
            if (promptResults != null) {
                // Azure's stream opens with the prompt filter's results, in a chunk with no choices.
                out.send(new OpenAiShapes.Completion(id, "text_completion", created, p.model(), List.of(), usageField,
                        style.systemFingerprint, promptResults));
            }
            if (!p.echo()) return;
            for (int i = 0; i < offsets.length; i++) {
                String text = p.prompts().get(i / p.settings().n()).text();
                offsets[i] = text.length();
                out.send(chunk(i, text, null, null));
            }
        }

        @Override
        public void text(int i, String text, TokenLogprob logprob, FrameSink out) throws IOException {
            if (logprob != null) pending.get(i).add(logprob);
            if (safety.active()) {
                unchecked[i].append(text);
                if (++tokens[i] % safety.interval() == 0) checkpoint(i, out, false);
                return;
            }
            if (text.isEmpty()) return;
            out.send(chunk(i, text, logprobs(i), null));
            offsets[i] += text.length();
        }

        /**
         * With a content filter: the completion so far is judged and the text since the last check is
         * sent only if it passed; a blocked choice ends here with {@code finish_reason: "content_filter"}.
         */
        private boolean checkpoint(int i, FrameSink out, boolean last) throws IOException {
            if (!last && unchecked[i].isEmpty()) return true;
            FilterOutcome o = check(p, i, sent[i].toString() + unchecked[i]);
            outcomes[i] = o;
            if (o.blocked()) {
                pending.get(i).clear();
                out.send(chunk(i, "", null, ChatCompletions.FILTERED));
                if (!last) {
                    completionTokens += tokens[i];
                    run.stop(i);
                }
                return false;
            }
            if (!last && !unchecked[i].isEmpty()) {
                String passed = unchecked[i].toString();
                unchecked[i].setLength(0);
                sent[i].append(passed);
                out.send(chunk(i, passed, logprobs(i), null));
                offsets[i] += passed.length();
            }
            return true;
        }

        @Override
        public void finish(int i, String text, FinishReason reason, Usage usage, FrameSink out) throws IOException {
            completionTokens += usage.completionTokens();
            cached += i % p.settings().n() == 0 ? usage.cachedTokens() : 0;
            if (safety.active()) {
                unchecked[i].append(text);
                if (!checkpoint(i, out, true)) return;
                text = unchecked[i].toString();
                unchecked[i].setLength(0);
            }
            out.send(chunk(i, text, logprobs(i), reason.apiName));
        }

        @Override
        public void end(FrameSink out) throws IOException {
            if (p.settings().includeUsage()) {
                out.send(new OpenAiShapes.Completion(id, "text_completion", created, p.model(), List.of(),
                        OpenAiShapes.usage(style, p.promptTokens(), completionTokens, cached), style.systemFingerprint));
            }
        }

        private OpenAiShapes.CompletionLogprobs logprobs(int i) {
            if (!p.logprobs()) return null;
            OpenAiShapes.CompletionLogprobs lps = OpenAiShapes.completionLogprobs(pending.get(i), offsets[i]);
            pending.get(i).clear();
            return lps;
        }

        private OpenAiShapes.Completion chunk(int index, String text, OpenAiShapes.CompletionLogprobs logprobs, String finish) {
            return new OpenAiShapes.Completion(id, "text_completion", created, p.model(),
                    List.of(new OpenAiShapes.CompletionChoice(text, index, logprobs, finish, results(outcomes[index]))), usageField,
                    style.systemFingerprint);
        }
    }
}
