package dev.cria.cli;

import dev.cria.hub.FakeHub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code cria pull}, {@code list}, {@code rm} and a Hub model given to {@code generate}, against a
 * local fake hub serving the tiny test models, into a temporary HF_HOME.
 */
class PullCommandTest {
    private static final Path MODELS = CliTest.DATA.resolve("models");
    private static final String GGUF_REPO = "cria-test/tiny-llama3-GGUF";
    private static final String FOLDER_REPO = "cria-test/tiny-llama3";

    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();
    private final FakeHub hub = FakeHub.start()
            .file(GGUF_REPO, "README.md", "tiny random-weight Llama 3.2 models".getBytes())
            .file(GGUF_REPO, "tiny-llama3-Q8_0.gguf", MODELS.resolve("tiny-llama3-Q8_0.gguf"))
            .file(GGUF_REPO, "tiny-llama3-Q4_0.gguf", MODELS.resolve("tiny-llama3-Q4_0.gguf"));
    @TempDir
    Path home;

    @AfterEach
    void restore() {
        hub.close();
        HubModels.environment = System.getenv();
    }

    private void env(String... extra) {
        Map<String, String> env = new HashMap<>(Map.of("HF_HOME", home.toString(), "HF_ENDPOINT", hub.endpoint().toString()));
        for (int i = 0; i < extra.length; i += 2) env.put(extra[i], extra[i + 1]);
        HubModels.environment = env;
    }

    private List<String> errorLines() {
        return console.stderr().lines().filter(l -> !l.startsWith("cria: warning: ")).toList();
    }

    private String generate(String model) {
        console.reset();
        assertThat(Main.run("generate", model, "--prompt", "Hello", "--max-tokens", "6", "--temperature", "0", "--ignore-eos"))
                .as(console.stderr()).isZero();
        return console.stdout();
    }

    @Test
    void pullPrintsTheCachedPathThenGenerateRunsOfflineFromTheCache() throws Exception {
        env();
        int code = Main.run("pull", GGUF_REPO + ":Q8_0");

        assertThat(code).as(console.stderr()).isZero();
        Path pulled = Path.of(console.stdout().strip());
        assertThat(pulled).isEqualTo(home.resolve("hub/models--cria-test--tiny-llama3-GGUF/snapshots")
                .resolve(hub.commit(GGUF_REPO)).resolve("tiny-llama3-Q8_0.gguf"));
        assertThat(Files.mismatch(pulled, MODELS.resolve("tiny-llama3-Q8_0.gguf"))).isEqualTo(-1);
        // Not a terminal here: plain lines, one when a file starts and one when it is done.
        String size = PullProgress.bytes(Files.size(MODELS.resolve("tiny-llama3-Q8_0.gguf")));
        assertThat(console.stderr().lines()).contains("cria: pulling tiny-llama3-Q8_0.gguf (" + size + ")")
                .anyMatch(l -> l.startsWith("cria: tiny-llama3-Q8_0.gguf: " + size + " in ") && l.endsWith("/s), SHA-256 verified"));

        hub.close();
        env("HF_HUB_OFFLINE", "1");
        assertThat(generate(GGUF_REPO + ":Q8_0")).isEqualTo(generate(MODELS.resolve("tiny-llama3-Q8_0.gguf").toString()));
    }

    @Test
    void generateWithAHubModelPullsItOnFirstUse() {
        env();
        assertThat(generate(GGUF_REPO + ":q4_0")).isEqualTo(generate(MODELS.resolve("tiny-llama3-Q4_0.gguf").toString()));
        assertThat(hub.requests()).anyMatch(r -> r.path().startsWith("/cdn/"));
    }

    @Test
    void aSafetensorsRepositoryIsPulledAsAFolderTheEngineLoads() throws Exception {
        try (var files = Files.list(MODELS.resolve("tiny-llama3"))) {
            for (Path f : files.toList()) hub.file(FOLDER_REPO, f.getFileName().toString(), f);
        }
        env();
        assertThat(Main.run("pull", FOLDER_REPO)).as(console.stderr()).isZero();
        assertThat(Path.of(console.stdout().strip()).resolve("model.safetensors")).exists();

        env("HF_HUB_OFFLINE", "1");
        assertThat(generate(FOLDER_REPO)).isEqualTo(generate(MODELS.resolve("tiny-llama3").toString()));
    }

    @Test
    void serveWithAHubModelPullsItAndServesItUnderThatName() throws Exception {
        env();
        ServeCommand serve = new ServeCommand();
        new picocli.CommandLine(serve).parseArgs(GGUF_REPO + ":Q8_0");

        serve.resolveModel();

        assertThat(serve.model).isRegularFile().hasFileName("tiny-llama3-Q8_0.gguf");
        assertThat(serve.serverOptions().modelId()).isEqualTo(GGUF_REPO + ":Q8_0");
    }

    @Test
    void chatWithAHubModelPullsItAndStarts() {
        env();
        var stdin = System.in;
        System.setIn(new java.io.ByteArrayInputStream("/exit\n".getBytes()));
        try {
            assertThat(Main.run("chat", GGUF_REPO + ":Q8_0")).as(console.stderr()).isZero();
        } finally {
            System.setIn(stdin);
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), sun.misc.SignalHandler.SIG_DFL); // chat took Ctrl-C over
        }
        assertThat(console.stderr()).contains("cria: pulling tiny-llama3-Q8_0.gguf");
        assertThat(console.stdout()).startsWith("cria chat: ");
    }

    @Test
    void anUnknownQuantIsOneLineListingTheGgufsThere() {
        env();
        assertThat(Main.run("pull", GGUF_REPO + ":Q5_K_M")).isEqualTo(1);
        assertThat(errorLines()).containsExactly(
                "cria: " + GGUF_REPO + " has no GGUF file for Q5_K_M; it has: tiny-llama3-Q8_0.gguf, tiny-llama3-Q4_0.gguf");
    }

    @Test
    void aGatedRepositoryWithoutATokenIsOneLineSayingWhatToDo() {
        hub.gate(GGUF_REPO, "hf_granted");
        env();
        assertThat(Main.run("generate", GGUF_REPO + ":Q8_0", "--prompt", "Hi")).isEqualTo(1);
        assertThat(errorLines()).singleElement().asString()
                .startsWith("cria: " + GGUF_REPO + " is gated: accept its licence at " + hub.endpoint() + "/" + GGUF_REPO)
                .contains("set HF_TOKEN");
    }

    @Test
    void offlineAndNotCachedIsOneLine() {
        env("HF_HUB_OFFLINE", "1");
        assertThat(Main.run("pull", GGUF_REPO + ":Q8_0")).isEqualTo(1);
        assertThat(errorLines()).containsExactly("cria: HF_HUB_OFFLINE is set and " + GGUF_REPO + ":Q8_0 is not in the cache ("
                + home.resolve("hub") + "): unset it to pull");
    }

    @Test
    void aMissingLocalPathThatLooksLikeAHubModelSaysBoth() {
        env();
        assertThat(Main.run("generate", "models/missing.gguf", "--prompt", "Hi")).isEqualTo(1);
        assertThat(errorLines()).containsExactly("cria: no such model file or folder: models/missing.gguf, and no repository "
                + "models/missing.gguf on " + hub.endpoint() + " (if it is private, set HF_TOKEN)");
    }

    @Test
    void listShowsPulledModelsAndRmRemovesThem() throws Exception {
        env();
        assertThat(Main.run("pull", GGUF_REPO + ":Q8_0")).isZero();
        assertThat(Main.run("pull", GGUF_REPO + "/tiny-llama3-Q4_0.gguf")).isZero();
        console.reset();

        assertThat(Main.run("list")).isZero();
        String commit = hub.commit(GGUF_REPO).substring(0, 10);
        assertThat(console.stdout().lines().map(l -> String.join(" ", l.split(" +")))).containsExactly(
                "NAME SIZE COMMIT",
                GGUF_REPO + "/tiny-llama3-Q4_0.gguf " + PullProgress.bytes(Files.size(MODELS.resolve("tiny-llama3-Q4_0.gguf"))) + " " + commit,
                GGUF_REPO + "/tiny-llama3-Q8_0.gguf " + PullProgress.bytes(Files.size(MODELS.resolve("tiny-llama3-Q8_0.gguf"))) + " " + commit);
        console.reset();

        assertThat(Main.run("rm", GGUF_REPO + ":Q4_0")).isZero();
        assertThat(console.stdout()).isEqualTo("removed " + GGUF_REPO + "/tiny-llama3-Q4_0.gguf" + System.lineSeparator());
        console.reset();
        assertThat(Main.run("rm", GGUF_REPO + ":Q4_0")).isEqualTo(1);
        assertThat(errorLines()).containsExactly("cria: " + GGUF_REPO + ":Q4_0 is not in the cache (" + home.resolve("hub") + ")");
    }

    @Test
    void progressOnATerminalIsOneLineRedrawnInPlace() {
        var bytes = new java.io.ByteArrayOutputStream();
        PullProgress p = new PullProgress(new java.io.PrintStream(bytes, true), true);
        p.started("model.gguf", 0, 2_000_000_000L);
        p.finished("model.gguf", 2_000_000_000L, false);
        String shown = bytes.toString();
        assertThat(shown).startsWith("\r\033[Kmodel.gguf    0% 0 B of 2.0 GB").contains("\r\033[Kmodel.gguf  100% 2.0 GB of 2.0 GB");
        assertThat(shown.chars().filter(c -> c == '\n')).as("the bar's own line, then the summary").hasSize(2);
        assertThat(PullProgress.duration(3725)).isEqualTo("1 h 2 min");
    }
}
