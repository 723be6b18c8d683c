package dev.cria.guard;

import dev.cria.engine.Engine;
import dev.cria.engine.EngineOptions;
import dev.cria.engine.GenerationEvent;
import dev.cria.engine.GenerationRequest;
import dev.cria.engine.LlamaEngine;
import dev.cria.loader.ModelLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The classifier's plumbing on a random-weight model with Llama 3.2's shape and tokenizer (the shape
 * of Llama Guard 3 1B): no Guard weights exist here, so a verdict grammar forces the answer through
 * the real engine, and the model it sits beside shares its compute threads.
 */
class LlamaGuardTest {
    private static final Path MODEL = Path.of(System.getProperty("cria.testdata"), "models", "tiny-llama3-Q8_0.gguf");
    private static Engine main;
    private static Engine guardEngine;

    @BeforeAll
    static void open() {
        EngineOptions options = new EngineOptions(512, 2, 8, 2);
        main = ModelLoader.openEngine(MODEL, options);
        guardEngine = ModelLoader.openEngine(MODEL, options, main);
    }

    @AfterAll
    static void close() {
        guardEngine.close();
        main.close();
    }

    @Test
    void aForcedUnsafeVerdictIsReadWithItsCategory() throws InterruptedException {
        LlamaGuard guard = new LlamaGuard(guardEngine, GuardTemplate.builtIn(), List.of(), "root ::= \"\\n\\nunsafe\\nS10\"");
        GuardVerdict v = guard.classify(List.of(GuardTurn.user("I hate them all")));
        assertThat(v.readable()).isTrue();
        assertThat(v.safe()).isFalse();
        assertThat(v.categories()).containsExactly("S10");
    }

    @Test
    void aForcedSafeVerdictIsSafe() throws InterruptedException {
        LlamaGuard guard = new LlamaGuard(guardEngine, GuardTemplate.builtIn(), List.of(), "root ::= \"\\n\\nsafe\"");
        GuardVerdict v = guard.classify(List.of(GuardTurn.user("Hi"), GuardTurn.agent("Hello!")));
        assertThat(v.safe()).isTrue();
    }

    @Test
    void theUnforcedRandomModelGivesAVerdictOrAnUnreadableOneNeverAnError() throws InterruptedException {
        LlamaGuard guard = new LlamaGuard(guardEngine, GuardTemplate.builtIn(), List.of(), null);
        GuardVerdict v = guard.classify(List.of(GuardTurn.user("Hi")));
        assertThat(v.output()).isNotNull();
    }

    @Test
    void thePromptIsTheGoldenRenderingOfTheConversation() {
        LlamaGuard guard = new LlamaGuard(guardEngine, GuardTemplate.builtIn(), List.of("S6"), null);
        int[] ids = guard.prompt(List.of(GuardTurn.user("Hi")));
        assertThat(guardEngine.detokenize(ids))
                .isEqualTo(GuardTemplate.builtIn().renderText(List.of(GuardTurn.user("Hi")), List.of("S6")))
                .doesNotContain("S6:");
    }

    @Test
    void aConversationLongerThanTheGuardContextKeepsItsLastTurn() throws InterruptedException {
        LlamaGuard guard = new LlamaGuard(guardEngine, GuardTemplate.builtIn(), List.of(), "root ::= \"safe\"");
        String longText = "llama ".repeat(400);
        GuardVerdict v = guard.classify(List.of(GuardTurn.user(longText), GuardTurn.agent(longText),
                GuardTurn.user("and the last question")));
        assertThat(v.safe()).isTrue();
    }

    @Test
    void bothModelsShareOneComputePool() throws InterruptedException {
        assertThat(((LlamaEngine) guardEngine).computePool()).isSameAs(((LlamaEngine) main).computePool());
        // and the main model still generates while the guard works
        var h = main.submit(GenerationRequest.greedy(main.tokenize("Hello", false), 4));
        GenerationEvent e;
        do {
            e = h.next();
        } while (e instanceof GenerationEvent.Token);
        assertThat(e).isInstanceOf(GenerationEvent.Finished.class);
    }
}
