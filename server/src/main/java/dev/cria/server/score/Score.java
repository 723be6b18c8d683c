package dev.cria.server.score;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cria.chat.ChatMessage;
import dev.cria.engine.Engine;
import dev.cria.engine.GenerationRequest;
import dev.cria.sampling.SamplingParams;
import dev.cria.server.api.ApiError;
import dev.cria.server.api.ApiJson;
import dev.cria.server.api.RequestFields;
import dev.cria.server.generation.CollectedChoices.ChoiceOutput;
import dev.cria.server.generation.CollectedChoices;
import dev.cria.server.generation.GenerationDriver;
import dev.cria.server.generation.GenerationRun;
import dev.cria.server.generation.GenerationSettings;
import dev.cria.server.generation.JsonBodyFraming;
import dev.cria.server.generation.PromptBound;
import dev.cria.server.openai.Completions;
import dev.cria.server.safety.ContentSafety;
import dev.cria.server.serving.CpuWork;
import dev.cria.server.serving.ServerState;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /score}: the Azure ML online-endpoint scoring contract for Llama models.
 * <pre>
 * {"input_data": {"input_string": [{"role","content"}, ...], "parameters": {...}}} → {"output": "..."}
 * {"input_data": {"input_string": ["text", ...],           "parameters": {...}}} → [{"0": "..."}, ...]
 * </pre>
 * Parameters follow Hugging Face generate(): temperature, top_p, top_k, do_sample (false = greedy),
 * max_new_tokens, return_full_text (text input: prepend the prompt, default true as in the HF
 * text-generation pipeline), ignore_eos. Without do_sample: false it samples with the Llama 3.2
 * Instruct generation_config defaults (temperature 0.6, top_p 0.9). Unknown parameters are ignored.
 */
public final class Score {
    /** When the request does not say: HF's own default (20 tokens) is too short for an answer. */
    static final int DEFAULT_MAX_NEW_TOKENS = 256;
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "ipython");

    private final ServerState state;
    private final ContentSafety safety;

    public Score(ServerState state) {
        this(state, ContentSafety.off());
    }

    /**
     * With content filtering: a blocked prompt (any of the input strings) is Azure's 400
     * {@code content_filter}; a blocked answer is {@code null} in place of its text.
     */
    public Score(ServerState state, ContentSafety safety) {
        this.state = state;
        this.safety = safety;
    }

    record Parameters(SamplingParams sampling, int maxNewTokens, boolean returnFullText, boolean ignoreEos) {
    }

    /**
     * What to generate: the requests, and the input strings (null for a conversation) to answer per
     * row, or the conversation (null for strings).
     */
    record Plan(List<GenerationRequest> requests, List<String> texts, List<ChatMessage> messages, boolean returnFullText) {
    }

    public void handle(Context ctx) throws Exception {
        Engine engine = state.engine();
        byte[] body = ctx.bodyAsBytes();
        Plan plan = CpuWork.call(() -> plan(engine, ApiJson.parseObject(body)));
        if (plan.texts() == null) {
            safety.admitPrompt(plan.messages());
        } else {
            for (String t : plan.texts()) safety.admitPromptText(t);
        }
        try (GenerationRun run = GenerationRun.submit(engine, plan.requests(), state)) {
            GenerationDriver.drive(run, new CollectedChoices(outs -> body(plan, outs)), new JsonBodyFraming(ctx));
        }
    }

    /** A conversation's one answer, or one row per input string; an answer the content filter blocked is null. */
    private Object body(Plan plan, List<ChoiceOutput> outs) {
        if (plan.texts() == null) {
            String text = outs.getFirst().text();
            boolean blocked = safety.active() && safety.judgeAnswer(plan.messages(), text).blocked();
            Map<String, Object> one = new HashMap<>();
            one.put("output", blocked ? null : text);
            return one;
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < outs.size(); i++) {
            String text = outs.get(i).text();
            String input = plan.texts().get(i);
            boolean blocked = safety.active() && safety.judgeCompletionText(input, text).blocked();
            Map<String, Object> row = new HashMap<>();
            row.put("0", blocked ? null : plan.returnFullText() ? input + text : text);
            rows.add(row);
        }
        return rows;
    }

    private static Plan plan(Engine engine, ObjectNode body) {
        RequestFields top = RequestFields.of(body);
        JsonNode data = top.get("input_data");
        if (data == null) throw ApiError.badRequest("Missing required parameter: 'input_data'.", "input_data");
        if (!(data instanceof ObjectNode dataObject)) throw top.wrongType("input_data", "an object", data);
        RequestFields in = new RequestFields(dataObject, "input_data.");
        JsonNode input = in.get("input_string");
        if (input == null) throw ApiError.badRequest("Missing required parameter: 'input_data.input_string'.", "input_data.input_string");
        JsonNode paramsNode = in.get("parameters");
        ObjectNode params = paramsNode == null ? ApiJson.MAPPER.createObjectNode()
                : paramsNode instanceof ObjectNode o ? o : null;
        if (params == null) throw in.wrongType("parameters", "an object", paramsNode);
        Parameters p = parameters(new RequestFields(params, "input_data.parameters."));

        int ctxLen = engine.info().contextLength();
        if (input.isArray() && !input.isEmpty() && input.get(0).isObject()) {
            List<ChatMessage> messages = messages(input);
            checkCanFit(engine, PromptBound.chatContentBytes(messages));
            int[] prompt;
            try {
                prompt = engine.renderChat(messages, null, true); // null: no tools (see ChatCompletions)
            } catch (IllegalArgumentException e) {
                throw ApiError.badRequest(e.getMessage(), "input_data.input_string");
            }
            return new Plan(List.of(request(prompt, p, ctxLen)), null, messages, false);
        } else if (input.isTextual() || (input.isArray() && !input.isEmpty())) {
            List<String> texts = new ArrayList<>();
            if (input.isTextual()) texts.add(input.textValue());
            else for (JsonNode t : input) {
                if (!t.isTextual()) throw mixed();
                texts.add(t.textValue());
            }
            if (texts.size() > GenerationSettings.MAX_CHOICES) {
                throw ApiError.badRequest("Invalid 'input_data.input_string': " + texts.size() + " strings, but a request may "
                        + "hold at most " + GenerationSettings.MAX_CHOICES + ". Please split the request.",
                        "input_data.input_string", "invalid_value");
            }
            for (String t : texts) checkCanFit(engine, PromptBound.utf8Bytes(t));
            List<GenerationRequest> requests = new ArrayList<>();
            for (String t : texts) requests.add(request(Completions.textPrompt(engine, t).ids(), p, ctxLen));
            return new Plan(requests, texts, null, p.returnFullText());
        } else {
            throw ApiError.badRequest("'input_data.input_string' must be a non-empty list of messages {role, content} "
                    + "or of strings.", "input_data.input_string");
        }
    }

    /** Input that cannot fit the context whatever its tokens are ({@link PromptBound}) is refused before tokenizing. */
    private static void checkCanFit(Engine engine, long bytes) {
        long minTokens = PromptBound.minTokens(bytes, engine.longestTokenBytes());
        int contextLength = engine.info().contextLength();
        if (minTokens >= contextLength) {
            throw ApiError.contextLengthExceeded("The input is at least " + minTokens + " tokens long (" + bytes
                    + " bytes of text); this model's context is " + contextLength + " tokens.", "input_data.input_string");
        }
    }

    private static ApiError mixed() {
        return ApiError.badRequest("'input_data.input_string' must hold only messages or only strings.", "input_data.input_string");
    }

    private static List<ChatMessage> messages(JsonNode input) {
        List<ChatMessage> out = new ArrayList<>();
        for (int i = 0; i < input.size(); i++) {
            JsonNode m = input.get(i);
            String param = "input_data.input_string[" + i + "]";
            if (!m.isObject()) throw mixed();
            JsonNode role = m.get("role");
            JsonNode content = m.get("content");
            if (role == null || !role.isTextual() || !ROLES.contains(role.textValue())) {
                throw ApiError.badRequest("Invalid '" + param + ".role': expected one of system, user, assistant, tool.", param + ".role");
            }
            if (content == null || !content.isTextual()) {
                throw ApiError.badRequest("Invalid '" + param + ".content': expected a string.", param + ".content");
            }
            out.add(ChatMessage.of(role.textValue(), content.textValue()));
        }
        return out;
    }

    static Parameters parameters(RequestFields f) {
        boolean doSample = f.bool("do_sample", true);
        Double temperature = f.number("temperature", 0, 2);
        Double topP = f.number("top_p", 0, 1);
        Long topK = f.integer("top_k", -1, Integer.MAX_VALUE);
        Long maxNew = f.integer("max_new_tokens", 1, Integer.MAX_VALUE);
        boolean fullText = f.bool("return_full_text", true);
        boolean ignoreEos = f.bool("ignore_eos", false);
        SamplingParams s = doSample
                ? new SamplingParams(temperature == null ? 0.6 : temperature, topP == null ? 0.9 : topP,
                topK == null ? 0 : topK.intValue(), 0, null, 0, 0, 1, Map.of())
                : SamplingParams.greedy();
        return new Parameters(s, maxNew == null ? DEFAULT_MAX_NEW_TOKENS : maxNew.intValue(), fullText, ignoreEos);
    }

    /** Like a Hugging Face pipeline, max_new_tokens is cut to what the context leaves instead of refused. */
    private static GenerationRequest request(int[] prompt, Parameters p, int contextLength) {
        if (prompt.length >= contextLength) {
            throw ApiError.contextLengthExceeded("The input is " + prompt.length + " tokens long; this model's context is "
                    + contextLength + " tokens.", "input_data.input_string");
        }
        int max = Math.min(p.maxNewTokens(), contextLength - prompt.length);
        return new GenerationRequest(prompt, p.sampling(), max, List.of(), p.ignoreEos(), -1);
    }
}
