package dev.cria.cli;

import dev.cria.engine.Engine;
import dev.cria.engine.EngineOptions;
import dev.cria.guard.GuardTemplate;
import dev.cria.loader.ModelLoader;
import dev.cria.server.safety.ContentSafety;
import dev.cria.util.StrictJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code cria serve --guard ...}: the flags, and loading a Guard-shaped model beside the served one. */
class GuardFlagsTest {
    private static final Path MODELS = Path.of(System.getProperty("cria.testdata"), "models");

    private static ServeCommand parse(String... args) {
        ServeCommand c = new ServeCommand();
        c.environment = Map.of();
        new CommandLine(c).parseArgs(args);
        return c;
    }

    /** The tiny HF model with Llama Guard 3's template in its tokenizer_config.json: a Guard-shaped model with random weights. */
    private static Path guardShaped(Path dir) throws IOException {
        Path out = dir.resolve("tiny-guard");
        Files.createDirectories(out);
        try (var files = Files.list(MODELS.resolve("tiny-llama3"))) {
            for (Path f : files.toList()) Files.copy(f, out.resolve(f.getFileName()));
        }
        Map<String, Object> config = new LinkedHashMap<>(StrictJson.parseObject(Files.readString(out.resolve("tokenizer_config.json"))));
        config.put("chat_template", GuardTemplate.builtInSource());
        Files.writeString(out.resolve("tokenizer_config.json"), new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(config));
        return out;
    }

    @Test
    void withoutGuardNothingIsFilteredAndOnlyV3Reports() {
        ServeCommand c = parse("m.gguf");
        ContentSafety s = c.guardFlags.safety(c.spec);
        assertThat(s.active()).isFalse();
        assertThat(s.reports(dev.cria.server.api.ApiStyle.PROVIDER)).isTrue();
        assertThat(s.reports(dev.cria.server.api.ApiStyle.OPENAI)).isFalse();
        assertThat(s.interval()).isEqualTo(32);
    }

    @Test
    void flagsBecomeThePolicyTheIntervalAndV1Reporting() {
        ServeCommand c = parse("m.gguf", "--guard-policy", "S1,S10", "--guard-interval", "8", "--content-filter-v1");
        ContentSafety s = c.guardFlags.safety(c.spec);
        assertThat(s.policy().blocking()).containsExactlyInAnyOrder("S1", "S10");
        assertThat(s.interval()).isEqualTo(8);
        assertThat(s.reports(dev.cria.server.api.ApiStyle.OPENAI)).isTrue();
    }

    @Test
    void badGuardValuesAreOneLineUsageErrors() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.run("serve", "m.gguf", "--guard-policy", "hate")).isEqualTo(2);
            assertThat(Main.run("serve", "m.gguf", "--guard-interval", "0")).isEqualTo(2);
            assertThat(Main.run("serve", "m.gguf", "--guard-exclude", "S99")).isEqualTo(2);
        } finally {
            System.setErr(old);
        }
        var lines = err.toString(StandardCharsets.UTF_8).strip().lines().toList();
        assertThat(lines).hasSize(3).allSatisfy(l -> assertThat(l).startsWith("cria serve: "));
        assertThat(lines.get(0)).contains("--guard-policy").contains("'hate'");
        assertThat(lines.get(1)).contains("--guard-interval");
        assertThat(lines.get(2)).contains("--guard-exclude").contains("'S99'");
    }

    @Test
    void aGuardShapedModelLoadsBesideTheServedOneAndReadiesTheFilter(@TempDir Path dir) throws Exception {
        Path guard = guardShaped(dir);
        ServeCommand c = parse("m.gguf", "--guard", guard.toString(), "--guard-exclude", "S6");
        ContentSafety s = c.guardFlags.safety(c.spec);
        EngineOptions options = new EngineOptions(512, 2, 8, 2);
        try (Engine main = ModelLoader.openEngine(MODELS.resolve("tiny-llama3-Q8_0.gguf"), options)) {
            c.guardFlags.load(s, main, options, c.spec);
            assertThat(s.active()).isTrue();
            // the random Guard answers something; whatever it is, the prompt is judged without an error
            assertThat(s.checkPrompt(java.util.List.of(dev.cria.chat.ChatMessage.of("user", "hi"))).ran()).isTrue();
            s.close();
        }
    }

    @Test
    void aGuardFileWithAnotherTemplateIsRefusedNamingTheFile() {
        Path notGuard = MODELS.resolve("tiny-llama3-Q8_0.gguf");
        ServeCommand c = parse("m.gguf", "--guard", notGuard.toString());
        ContentSafety s = c.guardFlags.safety(c.spec);
        EngineOptions options = new EngineOptions(512, 2, 8, 2);
        try (Engine main = ModelLoader.openEngine(notGuard, options)) {
            assertThatThrownBy(() -> c.guardFlags.load(s, main, options, c.spec))
                    .hasMessageContaining("--guard " + notGuard)
                    .hasMessageContaining("not the Llama Guard 3 1B template");
        }
    }
}
