package dev.cria.engine;

import dev.cria.loader.ModelLoader;
import dev.cria.sampling.SamplingParams;
import dev.cria.util.StrictJson;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The engine loop end to end on the tiny F16 model: tokens out equal the reference's greedy run. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LlamaEngineTest {
    static final Path DATA = Path.of(System.getProperty("cria.testdata", "testdata"));
    private Engine engine;

    @BeforeAll
    void open() {
        engine = ModelLoader.openEngine(DATA.resolve("models/tiny-llama3-F16.gguf"), new EngineOptions(1024, 2, 16, 4));
    }

    @AfterAll
    void close() {
        engine.close();
    }

    @SuppressWarnings("unchecked")
    static int[][] referenceGreedy(String prompt) throws Exception {
        Map<String, Object> root = StrictJson.parseObject(Files.readString(DATA.resolve("golden/logits/tiny-llama3-F16.json")));
        Map<String, Object> r = (Map<String, Object>) ((Map<String, Object>) root.get("results")).get(prompt);
        List<Object> ids = (List<Object>) r.get("ids");
        List<Object> greedy = (List<Object>) ((Map<String, Object>) r.get("reference")).get("greedy");
        int[] p = ids.stream().mapToInt(o -> ((Number) o).intValue()).toArray();
        int[] g = greedy.stream().mapToInt(o -> ((Number) ((Map<String, Object>) o).get("id")).intValue()).toArray();
        return new int[][]{p, g};
    }

    static List<Integer> collect(GenerationHandle h) throws InterruptedException {
        List<Integer> out = new ArrayList<>();
        while (true) {
            GenerationEvent e = h.next();
            if (e instanceof GenerationEvent.Token t) out.add(t.tokenId());
            else if (e instanceof GenerationEvent.Finished) return out;
            else throw new AssertionError(e);
        }
    }

    @Test
    void noTextTokenizesToFewerTokensThanItsBytesOverTheLongestToken() {
        int longest = engine.longestTokenBytes();
        String longestToken = null;
        for (int id = 0; id < engine.info().vocabSize() && longestToken == null; id++) {
            byte[] b = engine.tokenBytes(id);
            if (b.length == longest) longestToken = new String(b, java.nio.charset.StandardCharsets.UTF_8);
        }
        List<String> texts = List.of(longestToken.repeat(40), "1234567890".repeat(200), " ".repeat(3000),
                "\n\n".repeat(700), "日本語 🦙 über".repeat(150), "<|eot_id|>".repeat(50), "a".repeat(5000));
        for (String text : texts) {
            long bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            assertThat((long) engine.tokenize(text, true).length).as(text.substring(0, 20))
                    .isGreaterThanOrEqualTo((bytes + longest - 1) / longest);
        }
    }

    @Test
    void greedyGenerationEqualsTheReference() throws Exception {
        int[][] ref = referenceGreedy("en_40");
        GenerationHandle h = engine.submit(new GenerationRequest(ref[0], SamplingParams.greedy(), 48, List.of(), true, -1));
        assertThat(collect(h)).containsExactlyElementsOf(java.util.Arrays.stream(ref[1]).boxed().toList());
    }

    @Test
    void aRequestGivesTheSameTokensAloneAndAmongOthers() throws Exception {
        List<String> prompts = List.of("short_en", "en_40", "code", "multilingual", "chat");
        List<List<Integer>> alone = new ArrayList<>();
        for (String p : prompts) {
            alone.add(collect(engine.submit(new GenerationRequest(referenceGreedy(p)[0], SamplingParams.greedy(), 24, List.of(), true, -1))));
        }
        List<GenerationHandle> together = new ArrayList<>();
        for (String p : prompts) {
            together.add(engine.submit(new GenerationRequest(referenceGreedy(p)[0], SamplingParams.greedy(), 24, List.of(), true, -1)));
        }
        for (int i = 0; i < prompts.size(); i++) {
            assertThat(collect(together.get(i))).as(prompts.get(i)).isEqualTo(alone.get(i));
        }
    }

    @Test
    void maxTokensEndsWithLength() throws Exception {
        GenerationHandle h = engine.submit(new GenerationRequest(referenceGreedy("short_en")[0], SamplingParams.greedy(), 3, List.of(), true, -1));
        GenerationEvent e;
        int tokens = 0;
        while (!((e = h.next()) instanceof GenerationEvent.Finished)) tokens++;
        GenerationEvent.Finished f = (GenerationEvent.Finished) e;
        assertThat(tokens).isEqualTo(3);
        assertThat(f.reason()).isEqualTo(FinishReason.LENGTH);
        assertThat(f.usage()).isEqualTo(new Usage(6, 3, 0));
    }

    @Test
    void cancelEndsTheGeneration() throws Exception {
        GenerationHandle h = engine.submit(new GenerationRequest(referenceGreedy("short_en")[0], SamplingParams.greedy(), 900, List.of(), true, -1));
        h.next();
        h.cancel();
        GenerationEvent e;
        while (!((e = h.next()) instanceof GenerationEvent.Finished)) {
            // drain tokens produced before the cancel was seen
        }
        assertThat(((GenerationEvent.Finished) e).reason()).isEqualTo(FinishReason.CANCELLED);
    }

    @Test
    void aPromptLongerThanTheContextIsRejected() {
        int[] prompt = new int[1024];
        assertThatThrownBy(() -> engine.submit(GenerationRequest.greedy(prompt, 1)))
                .isInstanceOf(ContextLengthExceededException.class)
                .hasMessageContaining("1024 tokens");
    }
}
