package dev.cria.guard;

import dev.cria.chat.TemplateTokens;
import dev.cria.loader.ModelLoader;
import dev.cria.tokenizer.Tokenizer;
import dev.cria.util.StrictJson;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every case of testdata/golden/guard/guard_template.jsonl: the Llama Guard 3 1B template rendered
 * by @huggingface/jinja 0.5.11 (make_guard_golden.mjs) is reproduced exactly, as text and as the
 * ids llama.cpp's tokenizer gives that text.
 */
class GuardTemplateGoldenTest {
    private static TemplateTokens tokens;

    @BeforeAll
    static void tokenizer() {
        Tokenizer t = ModelLoader.loadTokenizer(Path.of(System.getProperty("cria.testdata"), "models", "tiny-llama3-Q8_0.gguf"));
        tokens = new TemplateTokens() {
            @Override
            public int[] encodePlain(String text) {
                return t.encode(text, false);
            }

            @Override
            public int specialId(String token) {
                return t.specialId(token);
            }
        };
    }

    static Stream<Arguments> cases() throws IOException {
        Path file = Path.of(System.getProperty("cria.testdata"), "golden", "guard", "guard_template.jsonl");
        List<Arguments> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank()) continue;
            Map<String, Object> c = StrictJson.parseObject(line);
            out.add(Arguments.of(c.get("name"), c));
        }
        return out.stream();
    }

    @Test
    void theGoldenFileHasFourteenCasesTwoOfThemErrors() throws IOException {
        List<Arguments> all = cases().toList();
        assertThat(all).hasSize(14);
        assertThat(all.stream().filter(a -> ((Map<?, ?>) a.get()[1]).containsKey("error"))).hasSize(2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    @SuppressWarnings("unchecked")
    void rendersLikeTheReferenceRenderer(String name, Map<String, Object> c) {
        List<GuardTurn> turns = new ArrayList<>();
        for (Object o : (List<Object>) c.get("messages")) {
            Map<String, Object> m = (Map<String, Object>) o;
            String text = (String) ((Map<String, Object>) ((List<Object>) m.get("content")).getFirst()).get("text");
            turns.add(new GuardTurn(m.get("role").equals("assistant"), text));
        }
        List<String> excluded = (List<String>) c.get("excluded_category_keys");
        GuardTemplate template = GuardTemplate.builtIn();
        if (c.get("categories") instanceof Map<?, ?> cats) {
            SequencedMap<String, String> m = new LinkedHashMap<>();
            cats.forEach((k, v) -> m.put((String) k, (String) v));
            template = template.withCategories(m);
        }
        if (c.containsKey("error")) {
            GuardTemplate t = template;
            assertThatThrownBy(() -> t.render(turns, excluded)).hasMessage((String) c.get("error"));
            return;
        }
        assertThat(template.renderText(turns, excluded)).isEqualTo(c.get("rendered"));
        int[] ids = template.renderIds(turns, excluded, tokens);
        if (c.get("rendered_ids") instanceof List<?> golden) {
            assertThat(ids).containsExactly(golden.stream().mapToInt(x -> ((Number) x).intValue()).toArray());
        } else {
            // content with special-token text: it stays text, so no id of <|eot_id|> before the closing scaffolding
            assertThat(java.util.Arrays.stream(ids).filter(i -> i == 128009).count()).isEqualTo(1);
        }
    }

    @Test
    void theBuiltInCopyIsTheTemplateThePublishedGgufsCarry() {
        String source = GuardTemplate.builtInSource();
        assertThat(GuardTemplate.fromCarried(source).categories()).isEqualTo(GuardTemplate.DEFAULT_CATEGORIES);
        assertThat(GuardTemplate.fromCarried(source).source()).contains("model's");
    }

    @Test
    void aCarriedTemplateWithItsOwnCategoriesListsThem() {
        String custom = GuardTemplate.builtInSource().replace("\"S13\": \"Elections.\",", "\"S13\": \"Elections.\",\n            \"S14\": \"Code Interpreter Abuse.\",");
        GuardTemplate t = GuardTemplate.fromCarried(custom);
        assertThat(t.categories()).containsEntry("S14", "Code Interpreter Abuse.").hasSize(14);
        assertThat(t.renderText(List.of(GuardTurn.user("hi")), List.of())).contains("S13: Elections.\nS14: Code Interpreter Abuse.\n<END UNSAFE");
    }

    @Test
    void noCarriedTemplateMeansTheBuiltInCopy() {
        assertThat(GuardTemplate.fromCarried(null).source()).isEqualTo("built-in");
        assertThat(GuardTemplate.fromCarried(" ").source()).isEqualTo("built-in");
    }

    @Test
    void aCarriedTemplateOfAnotherShapeIsRefused() {
        assertThatThrownBy(() -> GuardTemplate.fromCarried("{{ bos_token }}{% for m in messages %}{{ m.content }}{% endfor %}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not the Llama Guard 3 1B template");
    }
}
