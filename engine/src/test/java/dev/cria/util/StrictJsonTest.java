package dev.cria.util;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StrictJsonTest {
    @TempDir
    Path dir;

    private static String nested(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    @Test
    void valuesArePlainJavaTypesWithKeyOrderKept() {
        Map<String, Object> m = StrictJson.parseObject("{\"z\": 1, \"a\": [2.5, \"s\", true, null], \"m\": {}}");

        assertThat(m).containsExactly(Map.entry("z", 1L), Map.entry("a", java.util.Arrays.asList(2.5, "s", true, null)),
                Map.entry("m", Map.of()));
    }

    @Test
    void integersBeyondALongStayExact() {
        assertThat(StrictJson.parse("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
        assertThat(StrictJson.parse("9223372036854775808")).isEqualTo(new BigInteger("9223372036854775808"));
        assertThat(StrictJson.parse("[18446744073709561522]")).isEqualTo(List.of(new BigInteger("18446744073709561522")));
    }

    @Test
    void nestingUpToTheLimitIsRead() {
        assertThat(StrictJson.parse(nested(StrictJson.MAX_NESTING_DEPTH))).isInstanceOf(List.class);
    }

    @Test
    void nestingBeyondTheLimitIsAnErrorNotAStackOverflow() {
        assertThatThrownBy(() -> StrictJson.parse(nested(StrictJson.MAX_NESTING_DEPTH + 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nesting depth");
        assertThatThrownBy(() -> StrictJson.parse("[".repeat(1_000_000)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nesting depth");
    }

    @Test
    void aRepeatedKeyIsAnError() {
        assertThatThrownBy(() -> StrictJson.parse("{\"eos_token_id\": 1, \"eos_token_id\": 2}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Duplicate field 'eos_token_id'");
    }

    @Test
    void numbersOutsideTheJsonGrammarAreErrors() {
        for (String bad : List.of("01", "[1.]", "-", "+1", ".5", "NaN", "Infinity", "0x10", "1e")) {
            assertThatThrownBy(() -> StrictJson.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void anOverlongNumberIsAnError() {
        assertThatThrownBy(() -> StrictJson.parse("1" + "0".repeat(StrictJson.MAX_NUMBER_CHARS)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Number value length");
    }

    @Test
    void anythingAfterTheValueIsAnError() {
        assertThatThrownBy(() -> StrictJson.parse("{} {}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StrictJson.parse("[1] x")).isInstanceOf(IllegalArgumentException.class);
        assertThat(StrictJson.parse("  [1]\n  ")).isEqualTo(List.of(1L));
    }

    @Test
    void errorsAreOneLineWithLineAndColumn() {
        assertThatThrownBy(() -> StrictJson.parse("{\n  \"a\": tru\n}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("JSON: ").hasMessageContaining("at line 2, column ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void aModelFileThatIsTooDeepIsAModelFormatExceptionNamingIt() throws IOException {
        Path file = Files.writeString(dir.resolve("config.json"), "{\"a\": " + "[".repeat(1_000_000));

        assertThatThrownBy(() -> StrictJson.readObjectFile(file, "m/config.json"))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageStartingWith("m/config.json: JSON: Document nesting depth (513) exceeds the maximum allowed (512")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void aModelFileMustBeAnObject() throws IOException {
        Path file = Files.writeString(dir.resolve("config.json"), "[1]");

        assertThatThrownBy(() -> StrictJson.readObjectFile(file, "config.json"))
                .isInstanceOf(ModelFormatException.class).hasMessage("config.json: JSON: expected an object at top level");
    }

    @Test
    void briefCutsLongValues() {
        assertThat(StrictJson.brief(List.of("a"), 40)).isEqualTo("[\"a\"]");
        assertThat(StrictJson.brief("x".repeat(100), 10)).isEqualTo("\"xxxxxxxxx...");
    }
}
