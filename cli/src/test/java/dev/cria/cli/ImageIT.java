package dev.cria.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The container image's runtime without building the image (every build; ContainerImageIT runs the
 * image itself under -Pimage): the files the image profile names exist, and the runtime works laid out
 * as in the image: a jlink'd Java with image/jre-modules only, the jar, and image/entrypoint.sh serving
 * a model until image/healthcheck.sh says it is ready, then draining on SIGTERM (a container stop).
 */
class ImageIT {
    private static final Path ROOT = Path.of(System.getProperty("cria.testdata", "testdata")).getParent();
    private static final Path TINY = ROOT.resolve("testdata/models/tiny-llama3-Q8_0.gguf");

    /** The image's /opt/cria: a jlinked runtime of image/jre-modules, and the jar. */
    @TempDir
    static Path home;

    @BeforeAll
    static void layOutTheRuntimeAsTheImageDoes() throws Exception {
        String modules = Files.readString(ROOT.resolve("image/jre-modules")).strip();
        Path jlink = Path.of(System.getProperty("java.home"), "bin", "jlink");
        assertThat(run(List.of(jlink.toString(), "--add-modules", modules, "--strip-debug", "--no-man-pages",
                "--no-header-files", "--output", home.resolve("jre").toString()), Map.of())).isZero();
        Files.copy(Path.of(System.getProperty("cria.jar", "target/cria.jar")), home.resolve("cria.jar"));
    }

    @Test
    void theImageProfileNamesTheScriptsAndTheyAreExecutable() throws Exception {
        String pom = Files.readString(ROOT.resolve("cli/pom.xml"));
        assertThat(pom).contains("<entrypoint>/opt/cria/entrypoint.sh</entrypoint>").contains("<user>10001:10001</user>")
                .contains("<port>8080</port>").contains("image/build-rootfs.sh");
        for (String script : List.of("entrypoint.sh", "healthcheck.sh", "build-rootfs.sh"))
            assertThat(Files.isExecutable(ROOT.resolve("image").resolve(script))).as(script).isTrue();
        assertThat(Files.readString(ROOT.resolve("image/build-rootfs.sh")))
                .contains("cp \"$here/entrypoint.sh\" \"$here/healthcheck.sh\" \"$out/opt/cria/\"");
    }

    @Test
    void withoutArgumentsItServesTheModelUntilTheHealthCheckSaysReadyAndDrainsOnSigterm() throws Exception {
        int port = freePort();
        Map<String, String> env = Map.of("CRIA_HOME", home.toString(), "CRIA_MODEL", TINY.toString(), "CRIA_PORT", Integer.toString(port));

        ProcessBuilder entrypoint = new ProcessBuilder(ROOT.resolve("image/entrypoint.sh").toString())
                .redirectErrorStream(true).redirectOutput(home.resolve("server.log").toFile());
        entrypoint.environment().putAll(env);
        Process server = entrypoint.start();
        try {
            awaitHealthy(env);
            HttpResponse<String> page = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.body()).contains("<title>Cria chat</title>");
        } finally {
            server.destroy();
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
        }
        assertThat(server.exitValue()).as("drained, as a container stop asks").isZero();
        assertThat(Files.readString(home.resolve("server.log"))).contains("cria: ready in ").contains("cria: shutting down");
        assertThat(run(List.of(ROOT.resolve("image/healthcheck.sh").toString()), env)).as("unhealthy once stopped").isNotZero();
    }

    @Test
    void argumentsAreCriasAndCriaJavaOptsReachTheJvm() throws Exception {
        Path out = home.resolve("version.txt");
        ProcessBuilder pb = new ProcessBuilder(ROOT.resolve("image/entrypoint.sh").toString(), "--version")
                .redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().putAll(Map.of("CRIA_HOME", home.toString(), "CRIA_JAVA_OPTS", "-XshowSettings:properties"));

        assertThat(pb.start().waitFor()).isZero();
        assertThat(Files.readString(out)).contains("cria 0.1.0").contains("Property settings:")
                .doesNotContain("NoClassDefFoundError");
    }

    private static void awaitHealthy(Map<String, String> env) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (run(List.of(ROOT.resolve("image/healthcheck.sh").toString()), env) != 0) {
            assertThat(System.nanoTime()).as(Files.readString(home.resolve("server.log"))).isLessThan(deadline);
            Thread.sleep(250);
        }
    }

    private static int run(List<String> cmd, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(env);
        Process p = pb.start();
        return p.waitFor(120, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
