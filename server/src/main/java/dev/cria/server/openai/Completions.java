package dev.cria.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cria.engine.Engine;
import dev.cria.engine.FinishReason;
import dev.cria.engine.GenerationEvent;
import dev.cria.engine.GenerationRequest;
import dev.cria.engine.TokenLogprob;
import dev.cria.server.api.ApiError;
import dev.cria.server.api.ApiJson;
import dev.cria.server.api.ApiStyle;
import dev.cria.server.api.RequestFields;
import dev.cria.server.generation.GenerationRun;
import dev.cria.server.generation.SseWriter;
import dev.cria.server.serving.CpuWork;
import dev.cria.server.serving.ServerState;
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

    public Completions(ServerState state, ApiStyle style) {
        this.state = state;
        this.style = style;
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
        String id = style.newCompletionId();
        long created = System.currentTimeMillis() / 1000;
        try (GenerationRun run = GenerationRun.submit(engine, p.requests(), state)) {
            if (p.settings().stream()) {
                stream(ctx, run, id, created, p.model(), p.prompts(), p.settings(), p.echo(), p.logprobs(), p.promptTokens());
            } else {
                ctx.contentType("application/json");
                ctx.result(ApiJson.bytes(complete(run, id, created, p.model(), p.prompts(), p.settings().n(), p.echo(),
                        p.logprobs(), p.promptTokens())));
            }
        }
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

    /**
     * Text is tokenized with control tokens recognised (a client may send a pre-templated prompt,
     * as llama.cpp and vLLM allow) and BOS put first when the model wants it and the text lacks it.
     */
    public static Prompt textPrompt(Engine engine, String text) {
        int[] ids = engine.tokenize(text, true);
        if (engine.addBos() && (ids.length == 0 || ids[0] != engine.bosId())) {
            int[] withBos = new int[ids.length + 1];
            withBos[0] = engine.bosId();
            System.arraycopy(ids, 0, withBos, 1, ids.length);
            ids = withBos;
        }
        if (ids.length == 0) throw ApiError.badRequest("Invalid 'prompt': the prompt is empty.", "prompt");
        return new Prompt(ids, text);
    }

    /** Token ids are used as given: the client chose them, BOS included or not. */
    private static Prompt idPrompt(Engine engine, RequestFields f, JsonNode ids, JsonNode whole) {
        if (!ids.isArray() || ids.isEmpty()) throw f.wrongType("prompt", "a non-empty array of token ids", whole);
        int[] out = f.tokenIds("prompt", ids, whole, engine.info().vocabSize());
        return new Prompt(out, engine.detokenize(out));
    }

    private OpenAiShapes.Completion complete(GenerationRun run, String id, long created, String model, List<Prompt> prompts,
                                             int n, boolean echo, boolean logprobs, int promptTokens) throws InterruptedException {
        List<GenerationRun.ChoiceOutput> outs = run.collect();
        List<OpenAiShapes.CompletionChoice> choices = new ArrayList<>(outs.size());
        int completionTokens = 0;
        int cached = 0;
        for (int i = 0; i < outs.size(); i++) {
            GenerationRun.ChoiceOutput o = outs.get(i);
            completionTokens += o.usage().completionTokens();
            cached += i % n == 0 ? o.usage().cachedTokens() : 0;
            String prefix = echo ? prompts.get(i / n).text() : "";
            OpenAiShapes.CompletionLogprobs lps = logprobs ? OpenAiShapes.completionLogprobs(o.logprobs(), prefix.length()) : null;
            choices.add(new OpenAiShapes.CompletionChoice(prefix + o.text(), i, lps, o.reason().apiName));
        }
        return new OpenAiShapes.Completion(id, "text_completion", created, model, choices,
                OpenAiShapes.usage(style, promptTokens, completionTokens, cached), style.systemFingerprint);
    }

    private void stream(Context ctx, GenerationRun run, String id, long created, String model, List<Prompt> prompts,
                        GenerationSettings s, boolean echo, boolean logprobs, int promptTokens)
            throws IOException, InterruptedException {
        SseWriter sse = SseWriter.open(ctx);
        Object usageField = s.includeUsage() ? OpenAiShapes.USAGE_PENDING : null;
        int n = s.n();
        int[] offsets = new int[run.size()];
        List<List<TokenLogprob>> pending = new ArrayList<>();
        for (int i = 0; i < run.size(); i++) pending.add(new ArrayList<>());
        try {
            if (echo) {
                for (int i = 0; i < run.size(); i++) {
                    String text = prompts.get(i / n).text();
                    offsets[i] = text.length();
                    sse.send(chunk(id, created, model, i, text, null, null, usageField));
                }
            }
            int completionTokens = 0;
            int cached = 0;
            for (GenerationRun.Indexed e = run.next(); e != null; e = run.next()) {
                int i = e.index();
                switch (e.event()) {
                    case GenerationEvent.Token t -> {
                        if (t.logprob() != null) pending.get(i).add(t.logprob());
                        if (!t.text().isEmpty()) {
                            sse.send(chunk(id, created, model, i, t.text(), logprobs(logprobs, pending.get(i), offsets, i), null, usageField));
                            offsets[i] += t.text().length();
                        }
                    }
                    case GenerationEvent.Finished f -> {
                        if (f.reason() == FinishReason.CANCELLED) {
                            run.cancel();
                            sse.error(ApiError.unavailable("The server is shutting down; the generation was cancelled."));
                            return;
                        }
                        completionTokens += f.usage().completionTokens();
                        cached += i % n == 0 ? f.usage().cachedTokens() : 0;
                        sse.send(chunk(id, created, model, i, f.text(), logprobs(logprobs, pending.get(i), offsets, i),
                                f.reason().apiName, usageField));
                    }
                    case GenerationEvent.Failed f -> {
                        run.cancel();
                        sse.error(ApiError.internal("The generation failed: " + f.message()));
                        return;
                    }
                }
            }
            if (s.includeUsage()) {
                sse.send(new OpenAiShapes.Completion(id, "text_completion", created, model, List.of(),
                        OpenAiShapes.usage(style, promptTokens, completionTokens, cached), style.systemFingerprint));
            }
            sse.done();
        } catch (IOException clientGone) {
            run.cancel(); // the client disconnected: stop generating at the engine's next step
        } catch (RuntimeException e) {
            run.cancel();
            sse.failSafely(e);
        }
    }

    private static OpenAiShapes.CompletionLogprobs logprobs(boolean wanted, List<TokenLogprob> pending, int[] offsets, int i) {
        if (!wanted) return null;
        OpenAiShapes.CompletionLogprobs lps = OpenAiShapes.completionLogprobs(pending, offsets[i]);
        pending.clear();
        return lps;
    }

    private OpenAiShapes.Completion chunk(String id, long created, String model, int index, String text,
                                          OpenAiShapes.CompletionLogprobs logprobs, String finish, Object usage) {
        return new OpenAiShapes.Completion(id, "text_completion", created, model,
                List.of(new OpenAiShapes.CompletionChoice(text, index, logprobs, finish)), usage, style.systemFingerprint);
    }
}
