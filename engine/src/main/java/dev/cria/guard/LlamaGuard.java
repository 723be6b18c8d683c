package dev.cria.guard;

import dev.cria.chat.TemplateTokens;
import dev.cria.engine.Engine;
import dev.cria.engine.GenerationEvent;
import dev.cria.engine.GenerationHandle;
import dev.cria.engine.GenerationRequest;
import dev.cria.grammar.Grammar;
import dev.cria.grammar.TokenGrammar;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * A content classifier on a Llama Guard 3 model run by a Cria {@link Engine}: the conversation is
 * rendered with {@link GuardTemplate}, the model continues it greedily for a few tokens, and the
 * text is read as a {@link GuardVerdict}. The engine schedules these short generations like any
 * other (batched with each other, in its own KV pool). Thread-safe.
 */
public final class LlamaGuard implements AutoCloseable {
    /** "\n\nunsafe\nS1,S2,S3" is about a dozen tokens; more would be a model that does not stop. */
    static final int MAX_VERDICT_TOKENS = 20;

    private final Engine engine;
    private final GuardTemplate template;
    private final Set<String> excluded;
    private final TokenGrammar forced;
    private final TemplateTokens tokens;

    /**
     * @param excluded categories left out of the prompt ({@code excluded_category_keys})
     * @param forcedOutput null; or a GBNF grammar every verdict must follow — a test hook that makes
     *                     a random-weight Guard-shaped model answer, say, {@code "unsafe\nS10"}
     */
    public LlamaGuard(Engine engine, GuardTemplate template, Collection<String> excluded, String forcedOutput) {
        this.engine = engine;
        this.template = template;
        this.excluded = Set.copyOf(excluded);
        this.forced = forcedOutput == null ? null : engine.compileGrammar(Grammar.parse(forcedOutput));
        this.tokens = new TemplateTokens() {
            @Override
            public int[] encodePlain(String text) {
                return engine.tokenize(text, false);
            }

            @Override
            public int specialId(String token) {
                int[] ids = engine.tokenize(token, true);
                if (ids.length != 1) throw new IllegalArgumentException("the guard model has no special token " + token);
                return ids[0];
            }
        };
    }

    public GuardTemplate template() {
        return template;
    }

    public Set<String> excluded() {
        return excluded;
    }

    /** The prompt ids for judging the last turn of {@code conversation}. */
    public int[] prompt(List<GuardTurn> conversation) {
        return template.renderIds(conversation, excluded, tokens);
    }

    /**
     * Judges the last turn of {@code conversation}. A prompt longer than the Guard model's context
     * keeps its first turn's header and the text nearest the end is what matters, so the oldest
     * turns are dropped until it fits (the judged turn itself is cut from its start if it alone is
     * too long).
     *
     * @throws IllegalStateException when the engine could not run it (queue full, shutting down)
     */
    public GuardVerdict classify(List<GuardTurn> conversation) throws InterruptedException {
        int[] prompt = fitted(conversation);
        GenerationRequest r = GenerationRequest.greedy(prompt, MAX_VERDICT_TOKENS).withGrammar(forced);
        GenerationHandle h = engine.submit(r);
        StringBuilder text = new StringBuilder();
        try {
            while (true) {
                GenerationEvent e = h.next();
                switch (e) {
                    case GenerationEvent.Token t -> text.append(t.text());
                    case GenerationEvent.Finished f -> {
                        text.append(f.text());
                        return GuardVerdict.parse(text.toString());
                    }
                    case GenerationEvent.Failed f -> throw new IllegalStateException("the guard model failed: " + f.message());
                }
            }
        } catch (InterruptedException e) {
            h.cancel();
            throw e;
        }
    }

    private int[] fitted(List<GuardTurn> conversation) {
        int room = engine.info().contextLength() - MAX_VERDICT_TOKENS;
        List<GuardTurn> turns = conversation;
        int[] ids = prompt(turns);
        // Drop whole user/agent pairs from the front so that the judged role stays the same.
        while (ids.length > room && turns.size() > 2) {
            turns = turns.subList(2, turns.size());
            ids = prompt(turns);
        }
        while (ids.length > room) {
            GuardTurn last = turns.getLast();
            int over = ids.length - room;
            String cut = last.text().substring(Math.min(last.text().length(), Math.max(1, over) * 4));
            List<GuardTurn> shorter = new java.util.ArrayList<>(turns.subList(0, turns.size() - 1));
            shorter.add(new GuardTurn(last.agent(), cut));
            turns = shorter;
            ids = prompt(turns);
            if (last.text().isEmpty()) break;
        }
        return ids;
    }

    @Override
    public void close() {
        engine.close();
    }
}
