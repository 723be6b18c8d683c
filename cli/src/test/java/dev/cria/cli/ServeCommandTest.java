package dev.cria.cli;

import dev.cria.server.ServerOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServeCommandTest {
    private static ServeCommand parse(String... args) {
        ServeCommand c = new ServeCommand();
        new CommandLine(c).parseArgs(args);
        return c;
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
}
