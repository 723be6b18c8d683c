package dev.cria.server.safety;

import dev.cria.chat.ChatMessage;
import dev.cria.guard.GuardTurn;
import dev.cria.server.api.ApiError;
import dev.cria.server.api.ApiStyle;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A server's content filtering: the {@link ContentFilter} once the Guard model is loaded (none
 * without {@code --guard}), the {@link GuardPolicy}, where {@code content_filter_results} are
 * reported ({@code /v3/openai} always, {@code /v1} with {@code --content-filter-v1}), and how often a
 * stream's answer is checked. Without a filter every result is {@code {}}: nothing was filtered
 * and nothing ran.
 */
public final class ContentSafety implements AutoCloseable {
    /** The default {@code --guard-interval}: tokens of a streamed answer between two checks. */
    public static final int DEFAULT_INTERVAL = 32;

    private final GuardPolicy policy;
    private final boolean onV1;
    private final int interval;
    private volatile ContentFilter filter;
    private volatile AutoCloseable resources;

    public ContentSafety(GuardPolicy policy, boolean onV1, int interval) {
        if (interval < 1) throw new IllegalArgumentException("the guard interval must be at least 1 token, got " + interval);
        this.policy = policy;
        this.onV1 = onV1;
        this.interval = interval;
    }

    /** No filter: results say nothing ran, and only {@code /v3/openai} carries them. */
    public static ContentSafety off() {
        return new ContentSafety(GuardPolicy.ALL, false, DEFAULT_INTERVAL);
    }

    /** The filter is loaded; {@code resources} (the Guard engine) close with the server. */
    public void ready(ContentFilter filter, AutoCloseable resources) {
        this.filter = filter;
        this.resources = resources;
    }

    public boolean active() {
        return filter != null;
    }

    /** Whether answers in {@code style} carry {@code content_filter_results} and {@code prompt_filter_results}. */
    public boolean reports(ApiStyle style) {
        return style == ApiStyle.PROVIDER || onV1;
    }

    public int interval() {
        return interval;
    }

    public GuardPolicy policy() {
        return policy;
    }

    /** The prompt filter: the user's last turn, in the context of the turns before it. */
    public FilterOutcome checkPrompt(List<ChatMessage> messages) throws InterruptedException {
        ContentFilter f = filter;
        if (f == null) return FilterOutcome.NOT_RUN;
        return f.check(promptTurns(messages));
    }

    /** The response filter: {@code answer} (all of it, or the text so far) after the prompt's turns. */
    public FilterOutcome checkAnswer(List<ChatMessage> messages, String answer) throws InterruptedException {
        ContentFilter f = filter;
        if (f == null) return FilterOutcome.NOT_RUN;
        List<GuardTurn> turns = new ArrayList<>(promptTurns(messages));
        if (turns.isEmpty()) return FilterOutcome.NOT_RUN;
        turns.add(GuardTurn.agent(answer));
        return f.check(turns);
    }

    /**
     * The prompt filter as every endpoint but chat completions applies it: the prompt is judged
     * before anything is generated and a blocked one is {@link #promptBlocked}'s 400 (each route
     * family's error format turns it into its API's shape). Returns the outcome when it passed.
     */
    public FilterOutcome admitPrompt(List<ChatMessage> messages) {
        FilterOutcome o = uninterrupted(() -> checkPrompt(messages));
        if (o.blocked()) throw promptBlocked(o);
        return o;
    }

    /** {@link #admitPrompt} for raw prompt text judged as the user's turn. */
    public FilterOutcome admitPromptText(String prompt) {
        FilterOutcome o = uninterrupted(() -> checkPromptText(prompt));
        if (o.blocked()) throw promptBlocked(o);
        return o;
    }

    /** The response filter on a whole answer; an interrupted check is a server shutting down (503). */
    public FilterOutcome judgeAnswer(List<ChatMessage> messages, String answer) {
        return uninterrupted(() -> checkAnswer(messages, answer));
    }

    /** The response filter on a raw completion's whole text; interrupted, a 503. */
    public FilterOutcome judgeCompletionText(String prompt, String completion) {
        return uninterrupted(() -> checkCompletionText(prompt, completion));
    }

    private interface Check {
        FilterOutcome run() throws InterruptedException;
    }

    private static FilterOutcome uninterrupted(Check check) {
        try {
            return check.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiError.unavailable("The server is shutting down; the content check was cancelled.");
        }
    }

    /** The prompt filter on a raw completion's prompt: its text is judged as the user's turn. */
    public FilterOutcome checkPromptText(String prompt) throws InterruptedException {
        ContentFilter f = filter;
        if (f == null) return FilterOutcome.NOT_RUN;
        return f.check(List.of(GuardTurn.user(prompt)));
    }

    /** The response filter on a raw completion: {@code completion} judged as the answer to {@code prompt}. */
    public FilterOutcome checkCompletionText(String prompt, String completion) throws InterruptedException {
        ContentFilter f = filter;
        if (f == null) return FilterOutcome.NOT_RUN;
        return f.check(List.of(GuardTurn.user(prompt), GuardTurn.agent(completion)));
    }

    /** {@code prompt_filter_results} for several prompts, {@code prompt_index} in order. */
    public List<Map<String, Object>> promptResults(List<FilterOutcome> outcomes) {
        List<Map<String, Object>> out = new ArrayList<>(outcomes.size());
        for (int i = 0; i < outcomes.size(); i++) {
            Map<String, Object> entry = new java.util.LinkedHashMap<>(); // Azure's order: prompt_index first
            entry.put("prompt_index", i);
            entry.put("content_filter_results", results(outcomes.get(i)));
            out.add(entry);
        }
        return out;
    }

    /** A choice's or chunk's {@code content_filter_results}. */
    public Map<String, Object> results(FilterOutcome o) {
        return o.results(policy);
    }

    /** The {@code prompt_filter_results} array: one entry, the conversation's prompt. */
    public List<Map<String, Object>> promptResults(FilterOutcome o) {
        return promptResults(List.of(o));
    }

    /** The 400 for a blocked prompt, in Azure OpenAI's shape. */
    public ApiError promptBlocked(FilterOutcome o) {
        return ApiError.contentFiltered("The response was filtered due to the prompt triggering the server's content"
                + " management policy (Llama Guard 3 categories " + String.join(", ", o.categories())
                + "). Please modify your prompt and retry.", results(o));
    }

    /**
     * The conversation as Llama Guard sees it, up to the user's last turn: user and assistant
     * messages with text (system, developer and tool messages are not judged), consecutive
     * messages of one role joined by a blank line so that roles alternate, starting with the user.
     */
    static List<GuardTurn> promptTurns(List<ChatMessage> messages) {
        List<GuardTurn> turns = new ArrayList<>();
        for (ChatMessage m : messages) {
            boolean agent = m.role().equals("assistant");
            if (!agent && !m.role().equals("user")) continue;
            if (!(m.content() instanceof String text)) continue;
            if (turns.isEmpty() && agent) continue;
            if (!turns.isEmpty() && turns.getLast().agent() == agent) {
                turns.set(turns.size() - 1, new GuardTurn(agent, turns.getLast().text() + "\n\n" + text));
            } else {
                turns.add(new GuardTurn(agent, text));
            }
        }
        while (!turns.isEmpty() && turns.getLast().agent()) turns.removeLast();
        return turns;
    }

    @Override
    public void close() throws Exception {
        AutoCloseable r = resources;
        if (r != null) r.close();
    }
}
