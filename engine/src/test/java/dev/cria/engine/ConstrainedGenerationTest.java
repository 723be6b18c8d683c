package dev.cria.engine;

import dev.cria.grammar.Grammar;
import dev.cria.grammar.TokenGrammar;
import dev.cria.loader.ModelLoader;
import dev.cria.sampling.SamplingParams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generation under a grammar on the tiny random-weight model (issue #19): every token follows the
 * grammar, the generation ends as soon as the grammar is complete, and a value that max_tokens would
 * cut is closed by the grammar's shortest completion instead (finish reason stop).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConstrainedGenerationTest {
    private Engine engine;

    @BeforeAll
    void open() {
        engine = ModelLoader.openEngine(LlamaEngineTest.DATA.resolve("models/tiny-llama3-Q8_0.gguf"), new EngineOptions(1024, 2, 16, 4));
    }

    @AfterAll
    void close() {
        engine.close();
    }

    private record Outcome(String text, FinishReason reason, int tokens) {
    }

    private Outcome run(String gbnf, SamplingParams sampling, int maxTokens) throws InterruptedException {
        TokenGrammar g = engine.compileGrammar(Grammar.parse(gbnf));
        int[] prompt = engine.tokenize("Answer:", false);
        GenerationHandle h = engine.submit(new GenerationRequest(prompt, sampling, maxTokens, List.of(), false, -1, g));
        StringBuilder text = new StringBuilder();
        int tokens = 0;
        while (true) {
            GenerationEvent e = h.next();
            if (e instanceof GenerationEvent.Token t) {
                text.append(t.text());
                tokens++;
            } else if (e instanceof GenerationEvent.Finished f) {
                return new Outcome(text.append(f.text()).toString(), f.reason(), tokens);
            } else {
                throw new AssertionError(e);
            }
        }
    }

    private static SamplingParams seeded(long seed) {
        return new SamplingParams(1.0, 1.0, 0, 0, seed, 0, 0, 1, Map.of());
    }

    @Test
    void greedyOutputFollowsTheGrammarAndStopsWhenItIsComplete() throws Exception {
        Outcome o = run("root ::= (\"yes\" | \"no\") \".\"", SamplingParams.greedy(), 50);

        assertThat(o.text()).isIn("yes.", "no.");
        assertThat(o.reason()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void sampledOutputFollowsTheGrammarForEverySeed() throws Exception {
        for (long seed = 1; seed <= 8; seed++) {
            Outcome o = run("root ::= \"[\" [0-9]{1,3} (\", \" [0-9]{1,3}){0,4} \"]\"", seeded(seed), 100);

            assertThat(o.text()).as("seed " + seed).matches("\\[[0-9]{1,3}(, [0-9]{1,3}){0,4}]");
            assertThat(o.reason()).isEqualTo(FinishReason.STOP);
        }
    }

    @Test
    void aValueMaxTokensWouldCutIsClosedWithinTheBudget() throws Exception {
        // A random model writes letters for a long time; 12 tokens are not enough, so the grammar closes it.
        for (long seed = 1; seed <= 4; seed++) {
            Outcome o = run("root ::= \"{\" [a-z ]* \"}\"", seeded(seed), 12);

            assertThat(o.text()).as("seed " + seed).matches("\\{[a-z ]*}");
            assertThat(o.reason()).isEqualTo(FinishReason.STOP);
            assertThat(o.tokens()).isLessThanOrEqualTo(12);
        }
    }

    @Test
    void aClosedValueEndsWithStopThoughTheGrammarWouldAllowMoreAfterIt() throws Exception {
        // As with parallel tool calls: after a closed value, "; " and another value could follow.
        for (long seed = 1; seed <= 4; seed++) {
            Outcome o = run("root ::= v (\"; \" v)*\nv ::= \"{\" [a-z ]* \"}\"", seeded(seed), 12);

            assertThat(o.text()).as("seed " + seed).matches("\\{[a-z ]*}(; \\{[a-z ]*})*");
            assertThat(o.reason()).isEqualTo(FinishReason.STOP);
        }
    }

    @Test
    void aBudgetBelowTheShortestAnswerEndsWithLength() throws Exception {
        Outcome o = run("root ::= \"abcdefghijklmnopqrstuvwxyz\" [a-z]", SamplingParams.greedy(), 3);

        assertThat(o.reason()).isEqualTo(FinishReason.LENGTH);
        assertThat("abcdefghijklmnopqrstuvwxyz").startsWith(o.text());
    }

    @Test
    void multiByteCharactersAreSpelledByteByByteWhenForced() throws Exception {
        Outcome o = run("root ::= \"«\" [a-z]* \"»\"", seeded(5), 6);

        assertThat(o.text()).matches("«[a-z]*»");
        assertThat(o.reason()).isEqualTo(FinishReason.STOP);
    }
}
