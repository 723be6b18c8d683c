package dev.cria.cli;

import dev.cria.util.StrictJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code cria generate --json-schema FILE} and {@code --grammar FILE} (issue #19): the output follows them; bad files are one line. */
class ConstrainedGenerateTest {
    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();

    private static final String TINY = CliTest.TINY;

    @Test
    void jsonSchemaOutputIsJsonOfThatShape(@TempDir Path dir) throws Exception {
        Path schema = Files.writeString(dir.resolve("point.json"), "{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"integer\"},"
                + "\"y\":{\"type\":\"integer\"}},\"required\":[\"x\",\"y\"],\"additionalProperties\":false}");

        int code = Main.run("generate", TINY, "--prompt", "A point:", "--max-tokens", "60", "--temperature", "1", "--seed", "3",
                "--json-schema", schema.toString());

        assertThat(code).isZero();
        Map<String, Object> point = StrictJson.parseObject(console.stdout());
        assertThat(point.keySet()).containsExactly("x", "y");
        assertThat(point.values()).allMatch(v -> v instanceof Long || v instanceof java.math.BigInteger);
    }

    @Test
    void grammarOutputMatchesIt(@TempDir Path dir) throws Exception {
        Path g = Files.writeString(dir.resolve("answer.gbnf"), "root ::= (\"yes\" | \"no\") \"!\"\n");

        int code = Main.run("generate", TINY, "--prompt", "Well?", "--max-tokens", "20", "--grammar", g.toString());

        assertThat(code).isZero();
        assertThat(console.stdout()).isIn("yes!", "no!");
    }

    @Test
    void anUnenforceableSchemaIsOneLineNamingTheKeywordAndExitCodeOne(@TempDir Path dir) throws Exception {
        Path schema = Files.writeString(dir.resolve("set.json"), "{\"type\":\"array\",\"uniqueItems\":true}");

        int code = Main.run("generate", TINY, "--prompt", "x", "--json-schema", schema.toString());

        assertThat(code).isEqualTo(1);
        assertThat(console.stderr().strip().lines()).hasSize(1);
        assertThat(console.stderr()).startsWith("cria: ").contains("set.json").contains("uniqueItems");
    }

    @Test
    void aMalformedGrammarIsOneLineAndExitCodeOne(@TempDir Path dir) throws Exception {
        Path g = Files.writeString(dir.resolve("bad.gbnf"), "root ::= missing-rule\n");

        int code = Main.run("generate", TINY, "--prompt", "x", "--grammar", g.toString());

        assertThat(code).isEqualTo(1);
        assertThat(console.stderr().strip().lines()).hasSize(1);
        assertThat(console.stderr()).startsWith("cria: ").contains("bad.gbnf").contains("missing-rule");
    }

    @Test
    void aMissingSchemaFileIsOneLineAndExitCodeOne() {
        int code = Main.run("generate", TINY, "--prompt", "x", "--json-schema", "/nonexistent/schema.json");

        assertThat(code).isEqualTo(1);
        assertThat(console.stderr()).startsWith("cria: ").contains("/nonexistent/schema.json");
    }
}
