package dev.cria.cli;

import dev.cria.kv.KvType;
import dev.cria.server.ServerOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServeCommandTest {
    private static ServeCommand parse(String... args) {
        ServeCommand c = new ServeCommand();
        c.environment = java.util.Map.of();
        new CommandLine(c).parseArgs(args);
        return c;
    }

    @Test
    void criaApiKeyFromTheEnvironmentIsAnAcceptedKey() throws Exception {
        ServeCommand c = parse("m.gguf");
        c.environment = java.util.Map.of("CRIA_API_KEY", " sk-env \n");

        assertThat(c.serverOptions().apiKeys()).containsExactly("sk-env");
        assertThat(c.serverOptions().bindHost()).isEqualTo("0.0.0.0");
    }

    @Test
    void aKeyOnTheCommandLineGetsAWarningAndOtherWaysDoNot(@TempDir Path dir) throws Exception {
        Path keys = Files.writeString(dir.resolve("keys"), "k1\n");

        assertThat(parse("m.gguf", "--api-key", "secret").keyOnCommandLineWarning())
                .contains("--api-key-file").contains("CRIA_API_KEY").doesNotContain("secret");
        assertThat(parse("m.gguf", "--api-key-file", keys.toString()).keyOnCommandLineWarning()).isNull();
    }

    @Test
    void meteringFlagsBecomeMeteringOptions(@TempDir Path dir) throws Exception {
        Path admin = Files.writeString(dir.resolve("admin"), "# admin\nadm-1\n");
        Path limits = Files.writeString(dir.resolve("limits.json"), "{}");
        ServeCommand c = parse("m.gguf", "--usage-db", dir.resolve("u.db").toString(), "--admin-key-file", admin.toString(),
                "--price-input", "0.10", "--price-output", "0.4", "--key-limits", limits.toString());
        c.environment = java.util.Map.of("CRIA_ADMIN_KEY", "adm-env");

        var m = c.meteringOptions();

        assertThat(m.usageDb()).isEqualTo(dir.resolve("u.db"));
        assertThat(m.adminKeys()).containsExactlyInAnyOrder("adm-1", "adm-env");
        assertThat(m.priceInput()).isEqualByComparingTo("0.10");
        assertThat(m.priceOutput()).isEqualByComparingTo("0.4");
        assertThat(m.keyLimits()).isEqualTo(limits);
    }

    @Test
    void meteringIsOffByDefault() throws Exception {
        var m = parse("m.gguf").meteringOptions();

        assertThat(m.usageDb()).isNull();
        assertThat(m.adminKeys()).isEmpty();
        assertThat(m.keyLimits()).isNull();
    }

    @Test
    void anAdminKeyOnTheCommandLineGetsAWarningThatDoesNotRepeatIt() {
        assertThat(parse("m.gguf", "--admin-key", "adm-secret").keyOnCommandLineWarning())
                .contains("--admin-key-file").contains("CRIA_ADMIN_KEY").doesNotContain("adm-secret");
    }

    @Test
    void aMissingKeyLimitsFileIsAOneLineError(@TempDir Path dir) {
        assertThatThrownBy(() -> parse("m.gguf", "--key-limits", dir.resolve("nope.json").toString()).meteringOptions())
                .hasMessageContaining("--key-limits").hasMessageContaining("no such file");
    }

    @Test
    void shutdownDelayAndVllmMetricNamesBecomeServerOptions() throws Exception {
        var options = parse("m.gguf", "--shutdown-delay", "5", "--metrics-vllm-names").serverOptions();
        var defaults = parse("m.gguf").serverOptions();

        assertThat(options.shutdownDelay()).isEqualTo(java.time.Duration.ofSeconds(5));
        assertThat(options.vllmMetricNames()).isTrue();
        assertThat(defaults.shutdownDelay()).isZero();
        assertThat(defaults.vllmMetricNames()).isFalse();
    }

    @Test
    void allowedHostsBecomeServerOptions() throws Exception {
        assertThat(parse("m.gguf", "--allowed-host", "cria.lan", "--allowed-host", "10.0.0.5").serverOptions().allowedHosts())
                .containsExactly("cria.lan", "10.0.0.5");
    }

    @Test
    void flagsBecomeServerOptions() throws Exception {
        ServerOptions o = parse("model.gguf", "--port", "9000", "--api-key", "a", "--api-key", "b", "--model-id", "llama",
                "--alias", "gpt-4o-mini", "--cors", "https://app.example").serverOptions();

        assertThat(o.port()).isEqualTo(9000);
        assertThat(o.apiKeys()).containsExactly("a", "b");
        assertThat(o.modelId()).isEqualTo("llama");
        assertThat(o.aliases()).containsExactly("gpt-4o-mini");
        assertThat(o.corsOrigins()).containsExactly("https://app.example");
        assertThat(o.bindHost()).isEqualTo("0.0.0.0");
    }

    @Test
    void withoutKeysItBindsToLoopback() throws Exception {
        assertThat(parse("model.gguf").serverOptions().bindHost()).isEqualTo("127.0.0.1");
    }

    @Test
    void keyFileAddsKeysSkippingBlanksAndComments(@TempDir Path dir) throws Exception {
        Path keys = Files.writeString(dir.resolve("keys"), "# team keys\nk1\n\n  k2  \n");

        assertThat(parse("m.gguf", "--api-key-file", keys.toString()).serverOptions().apiKeys()).containsExactly("k1", "k2");
    }

    @Test
    void aMissingKeyFileIsAOneLineError(@TempDir Path dir) {
        assertThatThrownBy(() -> parse("m.gguf", "--api-key-file", dir.resolve("nope").toString()).serverOptions())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--api-key-file");
    }

    @Test
    void engineFlagsBecomeEngineOptions() {
        var e = parse("m.gguf", "--ctx-size", "2048", "--threads", "4", "--max-queue", "3").engineOptions();

        assertThat(e.contextSize()).isEqualTo(2048);
        assertThat(e.threads()).isEqualTo(4);
        assertThat(e.maxQueue()).isEqualTo(3);
    }

    @Test
    void servingOptionsBecomeEngineOptions() {
        var e = parse("m.gguf", "--parallel", "8", "--kv-memory", "512M", "--kv-type", "q8_0", "--max-queue", "5").engineOptions();

        assertThat(e.parallel()).isEqualTo(8);
        assertThat(e.kvMemoryBytes()).isEqualTo(512L << 20);
        assertThat(e.kvType()).isEqualTo(KvType.Q8_0);
        assertThat(e.maxQueue()).isEqualTo(5);
    }

    @Test
    void defaultsAreFourSequencesAndAnF32PoolSizedByTheContext() {
        var e = parse("m.gguf").engineOptions();

        assertThat(e.parallel()).isEqualTo(4);
        assertThat(e.kvMemoryBytes()).isZero();
        assertThat(e.kvType()).isEqualTo(KvType.F32);
    }

    @Test
    void kvMemoryTakesBinarySuffixes() {
        EngineFlags.ByteSize b = new EngineFlags.ByteSize();

        assertThat(b.convert("4096")).isEqualTo(4096L);
        assertThat(b.convert("2G")).isEqualTo(2L << 30);
        assertThat(b.convert("2gib")).isEqualTo(2L << 30);
        assertThat(b.convert("64K")).isEqualTo(64L << 10);
        assertThat(b.convert("1T")).isEqualTo(1L << 40);
    }

    @Test
    void badServingValuesAreOneLineUsageErrors() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.run("serve", "m.gguf", "--kv-memory", "lots")).isEqualTo(2);
            assertThat(Main.run("serve", "m.gguf", "--kv-type", "q4")).isEqualTo(2);
            assertThat(Main.run("serve", "m.gguf", "--parallel", "0")).isEqualTo(2);
            assertThat(Main.run("serve", "m.gguf", "--max-queue", "0")).isEqualTo(2);
        } finally {
            System.setErr(old);
        }
        var lines = err.toString(StandardCharsets.UTF_8).strip().lines().toList();
        assertThat(lines).hasSize(4).allSatisfy(l -> assertThat(l).startsWith("cria serve: "));
        assertThat(lines.get(0)).contains("--kv-memory").contains("'lots'");
        assertThat(lines.get(1)).contains("f32, f16 or q8_0");
        assertThat(lines.get(2)).contains("--parallel");
        assertThat(lines.get(3)).contains("--max-queue");
    }

    @Test
    void theReadyLineSaysWhereWhatAndHowMuch() {
        dev.cria.engine.EngineOptions options = new dev.cria.engine.EngineOptions(512, 1, 4, 2);
        try (dev.cria.engine.Engine e = dev.cria.loader.ModelLoader.openEngine(
                Path.of(System.getProperty("cria.testdata", "testdata"), "models/tiny-llama3-Q8_0.gguf"), options)) {
            assertThat(ServeCommand.readyLine(2345, "0.0.0.0", 8080, e, options)).matches(
                    "cria: ready in 2\\.3 s: http://127\\.0\\.0\\.1:8080/ · " + java.util.regex.Pattern.quote(e.info().name())
                            + " · context 512 · parallel 2 · KV cache \\d+ tokens \\(f32\\)");
        }
    }
}
