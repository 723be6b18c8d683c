package dev.cria.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cria.hub.FakeHub;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The image the `image` profile builds (cli/target/cria-image.tar, Jib, FROM scratch), read as a
 * registry would read it and run by podman as a container engine would run it. Runs only with
 * -Pimage (the profile's failsafe execution; the normal build excludes it): bin/test passes -Pimage.
 *
 * <p>Podman flags, for the CI machines (root, cgroup v1 with an empty v2 hierarchy, no
 * CAP_SYS_RESOURCE): runc rather than crun (crun 1.8 refuses that "hybrid" cgroup layout), and
 * ulimits below the machine's hard limits (podman's default nofile of 1048576 cannot be set there).
 * Both are harmless where they are not needed.
 */
class ContainerImageIT {
    private static final Path ROOT = Path.of(System.getProperty("cria.testdata", "testdata")).getParent();
    private static final Path MODELS = ROOT.resolve("testdata/models");
    private static final Path TARGET = Path.of(System.getProperty("cria.jar", "target/cria.jar")).getParent();
    private static final Path TAR = TARGET.resolve("cria-image.tar");
    private static final Path ROOTFS = TARGET.resolve("image-rootfs");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PODMAN = List.of("podman", "--runtime", "runc");
    private static final List<String> LIMITS = List.of("--ulimit", "nofile=4096:4096", "--ulimit", "nproc=4096:4096");

    /** path in the image (no leading slash) -> its tar entry, over all layers, and the config. */
    private static final Map<String, TarArchiveEntry> files = new LinkedHashMap<>();
    private static final List<String> layerComments = new ArrayList<>();
    private static JsonNode config;
    private static String imageId;
    /** opt/cria/jre/release: jlink writes the runtime's modules there. */
    private static String releaseFile = "";

    @BeforeAll
    static void readTheTarball() throws Exception {
        Map<String, byte[]> blobs = new HashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(Files.newInputStream(TAR))) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) blobs.put(e.getName(), tar.readAllBytes());
        }
        assertThat(blobs).containsKeys("oci-layout", "index.json");
        JsonNode index = JSON.readTree(blobs.get("index.json"));
        assertThat(index.at("/manifests/0/annotations/org.opencontainers.image.ref.name").asText()).isEqualTo("cria:latest");
        JsonNode manifest = JSON.readTree(blob(blobs, index.at("/manifests/0/digest").asText()));
        assertThat(manifest.at("/mediaType").asText()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
        config = JSON.readTree(blob(blobs, manifest.at("/config/digest").asText()));
        imageId = manifest.at("/config/digest").asText();
        config.at("/history").forEach(h -> layerComments.add(h.at("/comment").asText()));
        for (JsonNode layer : manifest.at("/layers")) {
            try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(
                    new ByteArrayInputStream(blob(blobs, layer.at("/digest").asText()))))) {
                for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                    String name = e.getName().replaceFirst("^/", "");
                    if (name.equals("opt/cria/jre/release")) releaseFile = new String(tar.readAllBytes(), StandardCharsets.UTF_8);
                    files.put(e.isDirectory() ? name.replaceFirst("/$", "") : name, e);
                }
            }
        }
    }

    private static byte[] blob(Map<String, byte[]> blobs, String digest) {
        byte[] b = blobs.get("blobs/" + digest.replace(':', '/'));
        assertThat(b).as(digest).isNotNull();
        return b;
    }

    @Test
    void theConfigIsWhatTheKubernetesManifestsAssume() {
        JsonNode c = config.at("/config");
        assertThat(config.at("/os").asText()).isEqualTo("linux");
        assertThat(config.at("/architecture").asText()).isEqualTo("amd64");
        assertThat(c.at("/Entrypoint").toString()).isEqualTo("[\"/opt/cria/entrypoint.sh\"]");
        assertThat(c.at("/Cmd").isMissingNode() || c.at("/Cmd").isNull()).as("no default args: none = serve $CRIA_MODEL").isTrue();
        assertThat(c.at("/User").asText()).as("numeric and not root (runAsNonRoot)").isEqualTo("10001:10001");
        assertThat(c.at("/ExposedPorts").has("8080/tcp")).isTrue();
        assertThat(c.at("/Volumes").has("/models")).isTrue();
        assertThat(c.at("/WorkingDir").asText()).isEqualTo("/home/cria");
        List<String> env = new ArrayList<>();
        c.at("/Env").forEach(e -> env.add(e.asText()));
        assertThat(env).contains("CRIA_HOME=/opt/cria", "CRIA_MODEL=/models/model.gguf", "CRIA_PORT=8080",
                "HF_HOME=/models/huggingface", "LANG=C.UTF-8");
        assertThat(config.at("/created").asText()).as("Jib's fixed time: reproducible digests").isEqualTo("1970-01-01T00:00:00Z");
        assertThat(layerComments).containsExactly("extra files", "java runtime", "cria jar");
    }

    @Test
    void theLayersHoldTheRuntimeTheJarAndTheLibrariesItNeedsAndNothingElse() throws IOException {
        assertThat(files).containsKeys("opt/cria/cria.jar", "opt/cria/entrypoint.sh", "opt/cria/healthcheck.sh",
                "usr/local/bin/cria", "opt/cria/jre/bin/java", "opt/cria/jre/lib/modules", "opt/cria/jre/lib/jspawnhelper",
                "opt/cria/debian-packages.txt", "bin/sh", "bin/bash", "lib64/ld-linux-x86-64.so.2",
                "lib/x86_64-linux-gnu/libc.so.6", "lib/x86_64-linux-gnu/libgcc_s.so.1", "usr/lib/locale/C.utf8/LC_CTYPE",
                "etc/passwd", "etc/group", "etc/nsswitch.conf", "tmp", "models", "home/cria");
        assertThat(releaseFile).contains("jdk.incubator.vector").doesNotContain("jdk.compiler").doesNotContain("jdk.jshell");
        assertThat(files.keySet()).noneMatch(n -> n.startsWith("app/")).as("Jib's /app classes are filtered out");
        for (TarArchiveEntry e : files.values()) {
            assertThat(e.isSymbolicLink() || e.isLink()).as(e.getName()).isFalse();
            assertThat(e.getLongUserId()).as(e.getName()).isZero();
        }
        // Every file executable in the laid-out root filesystem is executable in the image.
        try (Stream<Path> walk = Files.walk(ROOTFS)) {
            for (Path p : walk.filter(Files::isRegularFile).filter(Files::isExecutable).toList()) {
                if (p.toString().endsWith(".so") || p.getFileName().toString().matches(".*\\.so\\.[0-9.]+")
                        && !p.getFileName().toString().startsWith("ld-linux")) continue; // mmap'd, never exec'd
                String name = ROOTFS.relativize(p).toString();
                assertThat(files).as(name).containsKey(name);
                assertThat(files.get(name).getMode() & 0111).as(name + " executable").isEqualTo(0111);
            }
        }
        for (String dir : List.of("tmp", "models", "home/cria"))
            assertThat(files.get(dir).getMode() & 0777).as(dir + " writable by 10001").isEqualTo(0777);
        assertThat(Files.readString(ROOTFS.resolve("etc/passwd"))).contains("cria:x:10001:10001:");
        assertThat(Files.readString(ROOTFS.resolve("opt/cria/debian-packages.txt"))).contains("libc6 2.36");
    }

    @Test
    void podmanRunsItOnAMountedModelUntilSigterm() throws Exception {
        load();
        String name = "cria-it-" + UUID.randomUUID();
        List<String> run = new ArrayList<>(PODMAN);
        run.addAll(List.of("run", "-d", "--name", name));
        run.addAll(LIMITS);
        run.addAll(List.of("-p", "127.0.0.1::8080", "-v", MODELS + ":/models:ro",
                "-e", "CRIA_MODEL=/models/tiny-llama3-Q8_0.gguf", imageId));
        try {
            assertThat(podman(run)).isZero();
            String port = output(List.of("podman", "port", name, "8080/tcp")).strip();
            URI base = URI.create("http://" + port);
            awaitReady(base, name);
            String body = "{\"model\":\"tiny-llama3-Q8_0\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}],\"max_tokens\":8}";
            HttpResponse<String> chat = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve("/v1/chat/completions"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
            assertThat(JSON.readTree(chat.body()).at("/usage/completion_tokens").asInt()).isEqualTo(8);
            assertThat(get(base, "/health")).isEqualTo(200);
            List<String> exec = new ArrayList<>(PODMAN);
            exec.addAll(List.of("exec", name, "/opt/cria/healthcheck.sh"));
            assertThat(podman(exec)).as("the image's health check, as podman run --health-cmd would run it").isZero();
            exec = new ArrayList<>(PODMAN);
            exec.addAll(List.of("exec", name, "/bin/sh", "-c", "while read k v; do [ \"$k\" = Uid: ] && echo $v; done < /proc/self/status"));
            assertThat(output(exec)).as("the server's user").startsWith("10001");

            assertThat(podman(List.of("podman", "stop", "-t", "30", name))).as("SIGTERM, then 30 s before SIGKILL").isZero();
            assertThat(output(List.of("podman", "inspect", name, "--format", "{{.State.ExitCode}}")).strip()).as("drained, exit 0").isEqualTo("0");
            assertThat(output(List.of("podman", "logs", name))).contains("cria: ready in ").contains("cria: shutting down");
        } finally {
            podman(List.of("podman", "rm", "-f", name));
        }
    }

    @Test
    void podmanRunsItOnAModelPulledAtStartFromCriaModelRepoQuant() throws Exception {
        load();
        String name = "cria-it-" + UUID.randomUUID();
        int port = freePort();
        try (FakeHub hub = FakeHub.start().file("cria-test/tiny-GGUF", "tiny-llama3-Q8_0.gguf", MODELS.resolve("tiny-llama3-Q8_0.gguf"))) {
            List<String> run = new ArrayList<>(PODMAN);
            run.addAll(List.of("run", "-d", "--name", name, "--network", "host"));
            run.addAll(LIMITS);
            run.addAll(List.of("-e", "CRIA_MODEL=cria-test/tiny-GGUF:Q8_0", "-e", "CRIA_PORT=" + port,
                    "-e", "HF_ENDPOINT=" + hub.endpoint(), imageId));
            try {
                assertThat(podman(run)).isZero();
                URI base = URI.create("http://127.0.0.1:" + port);
                awaitReady(base, name);
                assertThat(hub.requests()).anyMatch(r -> r.path().endsWith("tiny-llama3-Q8_0.gguf"));
                List<String> list = new ArrayList<>(PODMAN);
                list.addAll(List.of("exec", name, "cria", "list"));
                assertThat(output(list)).as("in the image's HF_HOME, /models/huggingface").contains("cria-test/tiny-GGUF");
                assertThat(podman(List.of("podman", "stop", "-t", "30", name))).isZero();
                assertThat(output(List.of("podman", "inspect", name, "--format", "{{.State.ExitCode}}")).strip()).isEqualTo("0");
            } finally {
                podman(List.of("podman", "rm", "-f", "-v", name));
            }
        }
    }

    /**
     * What deploy/kubernetes/base/deployment.yaml runs, as podman can: the init container's `cria pull
     * $(CRIA_MODEL)` into HF_HOME=/models, then `cria serve $(CRIA_MODEL) ...` with HF_HUB_OFFLINE=1 and
     * CRIA_JAVA_OPTS, both on a read-only root filesystem (tmpfs /tmp) with every capability dropped.
     */
    @Test
    void theKubernetesDeploymentsInitPullThenOfflineServeRunReadOnly() throws Exception {
        load();
        String volume = "cria-it-" + UUID.randomUUID();
        String name = "cria-it-" + UUID.randomUUID();
        int port = freePort();
        List<String> locked = List.of("--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
                "-v", volume + ":/models", "-e", "HF_HOME=/models", "-e", "CRIA_MODEL=cria-test/tiny-GGUF:Q8_0");
        try (FakeHub hub = FakeHub.start().file("cria-test/tiny-GGUF", "tiny-llama3-Q8_0.gguf", MODELS.resolve("tiny-llama3-Q8_0.gguf"))) {
            List<String> pull = new ArrayList<>(PODMAN);
            pull.addAll(List.of("run", "--rm", "--network", "host"));
            pull.addAll(LIMITS);
            pull.addAll(locked);
            pull.addAll(List.of("-e", "HF_ENDPOINT=" + hub.endpoint(), imageId, "pull", "cria-test/tiny-GGUF:Q8_0"));
            assertThat(podman(pull)).as("the init container").isZero();
        }
        try {
            List<String> serve = new ArrayList<>(PODMAN);
            serve.addAll(List.of("run", "-d", "--name", name, "--network", "host"));
            serve.addAll(LIMITS);
            serve.addAll(locked);
            serve.addAll(List.of("-e", "HF_HUB_OFFLINE=1", "-e", "CRIA_JAVA_OPTS=-Xmx2560m", imageId,
                    "serve", "cria-test/tiny-GGUF:Q8_0", "--host", "0.0.0.0", "--port", Integer.toString(port),
                    "--parallel", "2", "--shutdown-delay", "1", "--shutdown-timeout", "10"));
            assertThat(podman(serve)).isZero();
            URI base = URI.create("http://127.0.0.1:" + port);
            awaitReady(base, name);
            List<String> cmdline = new ArrayList<>(PODMAN);
            cmdline.addAll(List.of("exec", name, "/bin/bash", "-c", "mapfile -d '' a < /proc/1/cmdline; printf '%s\\n' \"${a[@]}\""));
            assertThat(output(cmdline)).as("the server is PID 1 with CRIA_JAVA_OPTS")
                    .startsWith("/opt/cria/jre/bin/java").contains("-Xmx2560m").contains("jdk.incubator.vector");
            assertThat(podman(List.of("podman", "stop", "-t", "30", name))).isZero();
            assertThat(output(List.of("podman", "inspect", name, "--format", "{{.State.ExitCode}}")).strip()).isEqualTo("0");
        } finally {
            podman(List.of("podman", "rm", "-f", name));
            podman(List.of("podman", "volume", "rm", "-f", volume));
        }
    }

    /** Whether this class loaded the image (then it removes it: each build's jar makes a new 87 MB image). */
    private static boolean loadedHere;

    private static synchronized void load() throws Exception {
        if (!loadedHere && podman(List.of("podman", "image", "exists", imageId)) != 0) loadedHere = true;
        assertThat(podman(List.of("podman", "load", "-q", "-i", TAR.toString()))).isZero();
    }

    @AfterAll
    static void removeTheImageIfThisLoadedIt() throws Exception {
        if (loadedHere) podman(List.of("podman", "rmi", "-f", imageId));
    }

    private static void awaitReady(URI base, String name) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (get(base, "/ready") != 200) {
            if (System.nanoTime() > deadline) throw new AssertionError("not ready in 120 s:\n" + output(List.of("podman", "logs", name)));
            Thread.sleep(250);
        }
    }

    private static int get(URI base, String path) {
        try {
            return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()
                    .send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    private static int podman(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as(String.join(" ", cmd)).isTrue();
        if (p.exitValue() != 0) System.err.println(String.join(" ", cmd) + ":\n" + new String(out, StandardCharsets.UTF_8));
        return p.exitValue();
    }

    private static String output(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            in.transferTo(out);
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", cmd)).isTrue();
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
