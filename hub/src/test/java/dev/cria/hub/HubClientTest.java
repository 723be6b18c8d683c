package dev.cria.hub;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Pulls from a local fake hub into a temporary Hugging Face cache. */
class HubClientTest {
    private static final String REPO = "bartowski/Llama-3.2-1B-Instruct-GGUF";
    private static final String Q4 = "Llama-3.2-1B-Instruct-Q4_K_M.gguf";
    private static final String Q8 = "Llama-3.2-1B-Instruct-Q8_0.gguf";

    private final FakeHub hub = FakeHub.start();
    @TempDir
    Path cacheDir;

    @AfterEach
    void stop() {
        hub.close();
    }

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private HubClient client(String token, boolean offline) {
        return new HubClient(new HubSettings(hub.endpoint(), token, cacheDir, offline));
    }

    private HubClient client() {
        return client(null, false);
    }

    private FakeHub ggufRepo() {
        return hub.file(REPO, "README.md", "# GGUF quants".getBytes()).file(REPO, Q4, bytes(3_000_000, 1)).file(REPO, Q8, bytes(2_000_000, 2));
    }

    @Test
    void quantPicksItsGgufAndStoresItInTheHuggingFaceCacheLayout() throws Exception {
        ggufRepo();
        Path repoDir = cacheDir.resolve("models--bartowski--Llama-3.2-1B-Instruct-GGUF");
        String commit = hub.commit(REPO);
        String sha = hub.sha256(REPO, Q4);

        Path model = client().pull(ModelRef.parse(REPO + ":q4_k_m", null), DownloadListener.NONE);

        assertThat(model).isEqualTo(repoDir.resolve("snapshots").resolve(commit).resolve(Q4));
        assertThat(Files.readSymbolicLink(model)).isEqualTo(Path.of("../../blobs/" + sha));
        assertThat(Files.readAllBytes(model)).isEqualTo(bytes(3_000_000, 1));
        assertThat(Files.readString(repoDir.resolve("refs/main"))).isEqualTo(commit);
        assertThat(repoDir.resolve("blobs")).isDirectoryContaining(p -> p.getFileName().toString().equals(sha));
        assertThat(repoDir.resolve("snapshots").resolve(commit)).as("only the chosen file").isDirectoryNotContaining(p -> p.toString().endsWith(Q8));
    }

    @Test
    void aRepositoryWithOneGgufNeedsNoQuant() {
        hub.file("org/one", "model-F16.gguf", bytes(1000, 3));
        assertThat(client().pull(ModelRef.parse("org/one", null), DownloadListener.NONE).getFileName()).hasToString("model-F16.gguf");
    }

    @Test
    void severalGgufsWithoutAQuantNameThemAll() {
        ggufRepo();
        assertThatThrownBy(() -> client().pull(ModelRef.parse(REPO, null), DownloadListener.NONE))
                .isInstanceOf(HubException.class).hasMessageContaining(Q4).hasMessageContaining(Q8).hasMessageContaining(REPO + ":QUANT")
                .extracting(e -> ((HubException) e).reason()).isEqualTo(HubException.Reason.AMBIGUOUS);
    }

    @Test
    void anUnknownQuantListsTheGgufsThere() {
        ggufRepo();
        assertThatThrownBy(() -> client().pull(ModelRef.parse(REPO + ":IQ2_XS", null), DownloadListener.NONE))
                .hasMessage(REPO + " has no GGUF file for IQ2_XS; it has: " + Q4 + ", " + Q8);
    }

    @Test
    void aSafetensorsRepositoryPullsTheModelFolder() throws Exception {
        String repo = "meta-llama/Llama-3.2-1B-Instruct";
        for (String f : List.of("config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json", "LICENSE.txt")) {
            hub.file(repo, f, ("{\"name\": \"" + f + "\"}").getBytes());
        }
        hub.file(repo, "model.safetensors", bytes(2_500_000, 4)).file(repo, "original/consolidated.00.pth", bytes(3000, 5));

        Path folder = client().pull(ModelRef.parse(repo, null), DownloadListener.NONE);

        assertThat(folder.getFileName()).hasToString(hub.commit(repo));
        try (var files = Files.list(folder)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
                    "config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json", "model.safetensors");
        }
        // Small files are not LFS: their blob is named by the git blob id, as huggingface_hub names it.
        assertThat(Files.readSymbolicLink(folder.resolve("config.json")).getFileName().toString()).hasSize(40);
        assertThat(Files.readString(folder.resolve("config.json"))).isEqualTo("{\"name\": \"config.json\"}");
    }

    @Test
    void aFolderWhosePullFailedHalfwayIsNotACachedModel() {
        String repo = "org/sharded";
        hub.file(repo, "config.json", "{}".getBytes()).file(repo, "model-00001-of-00002.safetensors", bytes(2_000, 9))
                .file(repo, "model-00002-of-00002.safetensors", bytes(2_000, 10)).corrupt(repo, "model-00002-of-00002.safetensors");

        assertThatThrownBy(() -> client().pull(ModelRef.parse(repo, hub.commit(repo)), DownloadListener.NONE)).isInstanceOf(HubException.class);

        assertThat(client().cached(ModelRef.parse(repo, hub.commit(repo)))).isEmpty();
    }

    @Test
    void aFilePathPullsExactlyThatFile() throws Exception {
        ggufRepo();
        Path p = client().pull(ModelRef.parse(REPO + "/README.md", null), DownloadListener.NONE);
        assertThat(Files.readString(p)).isEqualTo("# GGUF quants");
    }

    @Test
    void aSecondPullDownloadsNothing() {
        ggufRepo();
        client().pull(ModelRef.parse(REPO + ":Q8_0", null), DownloadListener.NONE);
        int before = hub.requests().size();

        client().pull(ModelRef.parse(REPO + ":Q8_0", null), DownloadListener.NONE);

        assertThat(hub.requests().subList(before, hub.requests().size())).noneMatch(r -> r.path().startsWith("/cdn/"));
    }

    @Test
    void pullsOfOneModelAtOnceDownloadItOnce() throws Exception {
        ggufRepo();
        HubClient client = client();
        try (var threads = java.util.concurrent.Executors.newFixedThreadPool(4)) {
            List<java.util.concurrent.Future<Path>> pulls = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) pulls.add(threads.submit(() -> client.pull(ModelRef.parse(REPO + ":Q4_K_M", null), DownloadListener.NONE)));
            for (var pull : pulls) assertThat(Files.readAllBytes(pull.get())).isEqualTo(bytes(3_000_000, 1));
        }
        assertThat(hub.requests()).filteredOn(r -> r.path().startsWith("/cdn/")).hasSize(1);
    }

    @Test
    void aBrokenOffDownloadResumesWithARangeRequest() throws Exception {
        ggufRepo().breakAfter(REPO, Q4, 1_000_000, 2);
        List<Long> retriedAt = new java.util.ArrayList<>();

        Path model = client().pull(ModelRef.parse(REPO + ":Q4_K_M", null), new DownloadListener() {
            @Override
            public void retrying(String file, long have, String why) {
                retriedAt.add(have);
            }
        });

        assertThat(Files.readAllBytes(model)).isEqualTo(bytes(3_000_000, 1));
        // Each retry asks for the rest from what it has (the bytes in flight when a connection breaks may be lost).
        assertThat(retriedAt).hasSize(2).allMatch(have -> have > 0 && have < 3_000_000);
        assertThat(hub.requests()).filteredOn(r -> r.path().startsWith("/cdn/")).extracting(FakeHub.Request::range)
                .containsExactly(null, "bytes=" + retriedAt.get(0) + "-", "bytes=" + retriedAt.get(1) + "-");
    }

    @Test
    void aDownloadThatStallsIsResumedAfterTheStallTimeout() throws Exception {
        ggufRepo().stallAfter(REPO, Q4, 700_000);
        List<String> retries = new java.util.ArrayList<>();
        HubClient client = new HubClient(new HubSettings(hub.endpoint(), null, cacheDir, false), java.time.Duration.ofMillis(300));

        Path model = client.pull(ModelRef.parse(REPO + ":Q4_K_M", null), new DownloadListener() {
            @Override
            public void retrying(String file, long have, String why) {
                retries.add(have + ": " + why);
            }
        });

        assertThat(Files.readAllBytes(model)).isEqualTo(bytes(3_000_000, 1));
        assertThat(retries).singleElement().asString().endsWith(": no data for 300 ms");
    }

    @Test
    void aDownloadThatKeepsBreakingOffFailsAndKeepsWhatItHasForTheNextRun() {
        ggufRepo().breakAfter(REPO, Q4, 100_000, BlobDownload.ATTEMPTS);
        String sha = hub.sha256(REPO, Q4);

        assertThatThrownBy(() -> client().pull(ModelRef.parse(REPO + ":Q4_K_M", null), DownloadListener.NONE))
                .hasMessageStartingWith("the download of " + REPO + "/" + Q4 + " broke off 5 times (last after ")
                .hasMessageEndingWith("run the pull again to resume it");

        assertThat(cacheDir.resolve("models--bartowski--Llama-3.2-1B-Instruct-GGUF/blobs/" + sha + ".incomplete")).exists();
    }

    @Test
    void anIncompleteFileFromAnEarlierRunIsResumedNotRestarted() throws Exception {
        ggufRepo();
        String sha = hub.sha256(REPO, Q4);
        Path blobs = Files.createDirectories(cacheDir.resolve("models--bartowski--Llama-3.2-1B-Instruct-GGUF/blobs"));
        Files.write(blobs.resolve(sha + ".incomplete"), java.util.Arrays.copyOf(bytes(3_000_000, 1), 1_234_567));

        Path model = client().pull(ModelRef.parse(REPO + ":Q4_K_M", null), DownloadListener.NONE);

        assertThat(Files.readAllBytes(model)).isEqualTo(bytes(3_000_000, 1));
        assertThat(hub.requests()).filteredOn(r -> r.path().startsWith("/cdn/")).extracting(FakeHub.Request::range)
                .containsExactly("bytes=1234567-");
        assertThat(blobs.resolve(sha + ".incomplete")).doesNotExist();
    }

    @Test
    void aChecksumMismatchDeletesTheDownloadAndFailsLoudly() {
        ggufRepo().corrupt(REPO, Q4);
        String sha = hub.sha256(REPO, Q4);
        Path blobs = cacheDir.resolve("models--bartowski--Llama-3.2-1B-Instruct-GGUF/blobs");

        assertThatThrownBy(() -> client().pull(ModelRef.parse(REPO + ":Q4_K_M", null), DownloadListener.NONE))
                .isInstanceOf(HubException.class)
                .hasMessageStartingWith(REPO + "/" + Q4 + ": SHA-256 mismatch (the Hub says " + sha)
                .hasMessageEndingWith("the file was deleted, run the pull again")
                .extracting(e -> ((HubException) e).reason()).isEqualTo(HubException.Reason.CHECKSUM);
        assertThat(blobs.resolve(sha)).doesNotExist();
        assertThat(blobs.resolve(sha + ".incomplete")).doesNotExist();
        assertThat(cacheDir.resolve("models--bartowski--Llama-3.2-1B-Instruct-GGUF/refs/main")).doesNotExist();
    }

    @Test
    void aCacheThatCannotBeWrittenIsADiskError(@TempDir Path elsewhere) throws Exception {
        ggufRepo();
        Path notADirectory = Files.writeString(elsewhere.resolve("hub"), "a file where the cache should be");
        HubClient client = new HubClient(new HubSettings(hub.endpoint(), null, notADirectory, false));

        assertThatThrownBy(() -> client.pull(ModelRef.parse(REPO + ":Q8_0", null), DownloadListener.NONE))
                .hasMessageStartingWith("cannot create " + notADirectory.resolve("models--bartowski--Llama-3.2-1B-Instruct-GGUF/blobs"))
                .extracting(e -> ((HubException) e).reason()).isEqualTo(HubException.Reason.DISK);
    }

    @Test
    void aGatedRepositoryWithoutATokenSaysHowToGetAccess() {
        hub.file("meta-llama/Llama-3.2-1B", "model.gguf", bytes(100, 6)).gate("meta-llama/Llama-3.2-1B", "hf_good");
        assertThatThrownBy(() -> client().pull(ModelRef.parse("meta-llama/Llama-3.2-1B", null), DownloadListener.NONE))
                .hasMessage("meta-llama/Llama-3.2-1B is gated: accept its licence at " + hub.endpoint() + "/meta-llama/Llama-3.2-1B"
                        + ", then set HF_TOKEN to an access token of that account (" + hub.endpoint() + "/settings/tokens)")
                .extracting(e -> ((HubException) e).reason()).isEqualTo(HubException.Reason.GATED);
    }

    @Test
    void aGatedRepositoryWithATokenWithoutAccessSaysToAskForIt() {
        hub.file("meta-llama/Llama-3.2-1B", "model.gguf", bytes(100, 6)).gate("meta-llama/Llama-3.2-1B", "hf_good").knowToken("hf_other");
        assertThatThrownBy(() -> client("hf_other", false).pull(ModelRef.parse("meta-llama/Llama-3.2-1B", null), DownloadListener.NONE))
                .hasMessageStartingWith("meta-llama/Llama-3.2-1B is gated and the account of HF_TOKEN has no access yet: ask for it at ")
                .hasMessageContaining("the Hub says: Access to model meta-llama/Llama-3.2-1B is restricted and you are not in the authorized list");
    }

    @Test
    void aGatedRepositoryPullsWithATokenThatHasAccess() {
        hub.file("meta-llama/Llama-3.2-1B", "model.gguf", bytes(100, 6)).gate("meta-llama/Llama-3.2-1B", "hf_good");
        assertThat(client("hf_good", false).pull(ModelRef.parse("meta-llama/Llama-3.2-1B", null), DownloadListener.NONE)).exists();
    }

    @Test
    void theTokenGoesToTheHubButNeverToTheCdn() {
        ggufRepo().knowToken("hf_secret");
        client("hf_secret", false).pull(ModelRef.parse(REPO + ":Q8_0", null), DownloadListener.NONE);
        assertThat(hub.requests()).filteredOn(r -> !r.path().startsWith("/cdn/")).isNotEmpty().allMatch(r -> "Bearer hf_secret".equals(r.authorization()));
        assertThat(hub.requests()).filteredOn(r -> r.path().startsWith("/cdn/")).isNotEmpty().allMatch(r -> r.authorization() == null);
    }

    @Test
    void aRefusedTokenIsNamedAsTheProblem() {
        ggufRepo();
        assertThatThrownBy(() -> client("hf_typo", false).pull(ModelRef.parse(REPO + ":Q8_0", null), DownloadListener.NONE))
                .hasMessage("the Hub refused HF_TOKEN (invalid credentials): check the token or unset HF_TOKEN")
                .extracting(e -> ((HubException) e).reason()).isEqualTo(HubException.Reason.UNAUTHORIZED);
    }

    @Test
    void anUnknownRepositoryIsNotFound() {
        assertThatThrownBy(() -> client().pull(ModelRef.parse("nobody/nothing:Q4_0", null), DownloadListener.NONE))
                .hasMessage("no repository nobody/nothing on " + hub.endpoint() + " (if it is private, set HF_TOKEN)")
                .extracting(e -> ((HubException) e).reason()).isEqualTo(HubException.Reason.NOT_FOUND);
    }

    @Test
    void anUnknownRevisionIsNotFound() {
        ggufRepo();
        assertThatThrownBy(() -> client().pull(ModelRef.parse(REPO + ":Q8_0", "v9"), DownloadListener.NONE))
                .hasMessage(REPO + " has no revision v9");
    }

    @Test
    void offlineAnswersFromTheCacheWithoutTheNetwork() {
        ggufRepo();
        Path pulled = client().pull(ModelRef.parse(REPO + ":Q8_0", null), DownloadListener.NONE);
        int before = hub.requests().size();

        Path offline = client(null, true).pull(ModelRef.parse(REPO + ":Q8_0", null), DownloadListener.NONE);

        assertThat(offline).isEqualTo(pulled);
        assertThat(hub.requests()).hasSize(before);
    }

    @Test
    void aModelHuggingfaceHubDownloadedIsFoundOffline() throws Exception {
        // The layout huggingface_hub's hf_hub_download leaves: blob by sha256, relative link, refs/main without a newline.
        Path repoDir = cacheDir.resolve("models--bartowski--Llama-3.2-1B-Instruct-GGUF");
        String commit = "0123456789abcdef0123456789abcdef01234567";
        Path blob = Files.write(Files.createDirectories(repoDir.resolve("blobs")).resolve("ab".repeat(32)), bytes(500, 8));
        Path snapshot = Files.createDirectories(repoDir.resolve("snapshots").resolve(commit));
        Files.createSymbolicLink(snapshot.resolve(Q8), Path.of("../../blobs/" + blob.getFileName()));
        Files.writeString(Files.createDirectories(repoDir.resolve("refs")).resolve("main"), commit);

        Path model = client(null, true).pull(ModelRef.parse(REPO + ":Q8_0", null), DownloadListener.NONE);

        assertThat(model).isEqualTo(snapshot.resolve(Q8));
        assertThat(Files.readAllBytes(model)).isEqualTo(bytes(500, 8));
        assertThat(client(null, true).cached(ModelRef.parse(REPO + "/" + Q8, commit))).contains(snapshot.resolve(Q8));
    }

    @Test
    void offlineWithoutTheModelInTheCacheSaysSo() {
        assertThatThrownBy(() -> client(null, true).pull(ModelRef.parse(REPO + ":Q8_0", null), DownloadListener.NONE))
                .hasMessage("HF_HUB_OFFLINE is set and " + REPO + ":Q8_0 is not in the cache (" + cacheDir + "): unset it to pull")
                .extracting(e -> ((HubException) e).reason()).isEqualTo(HubException.Reason.OFFLINE);
        assertThat(hub.requests()).isEmpty();
    }

    @Test
    void anUnreachableHubFallsBackToTheCachedCopy() {
        ggufRepo();
        Path pulled = client().pull(ModelRef.parse(REPO + ":Q8_0", null), DownloadListener.NONE);
        hub.close();
        List<String> warnings = new java.util.ArrayList<>();

        Path again = client().pull(ModelRef.parse(REPO + ":Q8_0", null), new DownloadListener() {
            @Override
            public void warning(String message) {
                warnings.add(message);
            }
        });

        assertThat(again).isEqualTo(pulled);
        assertThat(warnings).singleElement().asString().startsWith("cannot reach " + hub.endpoint()).endsWith("; using the cached copy");
    }

    @Test
    void aListedFileNameThatClimbsOutOfTheSnapshotIsIgnored() {
        hub.file("org/evil", "../../../escape.gguf", bytes(100, 7));
        assertThatThrownBy(() -> client().pull(ModelRef.parse("org/evil", null), DownloadListener.NONE))
                .hasMessage("org/evil has neither a GGUF file nor a safetensors model (config.json and *.safetensors)");
        assertThat(cacheDir.resolve("escape.gguf")).doesNotExist();
    }

    @Test
    void aSplitGgufIsRefusedBeforeAnyDownload() {
        for (int i = 1; i <= 3; i++) hub.file("org/big", "big-Q8_0-0000" + i + "-of-00003.gguf", bytes(100, i));
        assertThatThrownBy(() -> client().pull(ModelRef.parse("org/big:Q8_0", null), DownloadListener.NONE))
                .hasMessageStartingWith("big-Q8_0-00001-of-00003.gguf is part 1 of a GGUF split in 3 files, and Cria loads single-file GGUFs only")
                .extracting(e -> ((HubException) e).reason()).isEqualTo(HubException.Reason.UNSUPPORTED);
        assertThat(hub.requests()).noneMatch(r -> r.path().startsWith("/cdn/"));
    }

    @Test
    void listShowsEachCachedModelAndRemoveTakesOneQuantOut() {
        ggufRepo();
        HubClient client = client();
        client.pull(ModelRef.parse(REPO + ":Q8_0", null), DownloadListener.NONE);
        client.pull(ModelRef.parse(REPO + ":Q4_K_M", null), DownloadListener.NONE);
        assertThat(client.list()).extracting(HubClient.CachedModel::name, HubClient.CachedModel::bytes)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(REPO + "/" + Q4, 3_000_000L), org.assertj.core.groups.Tuple.tuple(REPO + "/" + Q8, 2_000_000L));

        assertThat(client.remove(ModelRef.parse(REPO + ":Q4_K_M", null))).containsExactly(REPO + "/" + Q4);

        assertThat(client.list()).extracting(HubClient.CachedModel::name).containsExactly(REPO + "/" + Q8);
        assertThat(cacheDir.resolve("models--bartowski--Llama-3.2-1B-Instruct-GGUF/blobs/" + hub.sha256(REPO, Q4))).doesNotExist();
        assertThat(client.cached(ModelRef.parse(REPO + ":Q8_0", null))).isPresent();

        client.remove(ModelRef.parse(REPO + ":Q8_0", null));
        assertThat(cacheDir.resolve("models--bartowski--Llama-3.2-1B-Instruct-GGUF/snapshots")).isEmptyDirectory();
        assertThat(cacheDir.resolve("models--bartowski--Llama-3.2-1B-Instruct-GGUF/blobs")).isEmptyDirectory();
    }

    @Test
    void removingARepositoryRemovesItsFolder() {
        ggufRepo();
        client().pull(ModelRef.parse(REPO + ":Q8_0", null), DownloadListener.NONE);
        assertThat(client().remove(ModelRef.parse(REPO, null))).containsExactly(REPO);
        assertThat(cacheDir.resolve("models--bartowski--Llama-3.2-1B-Instruct-GGUF")).doesNotExist();
        assertThat(client().remove(ModelRef.parse(REPO, null))).isEmpty();
    }

    @Test
    void theProxyTheEnvironmentNamesCarriesEveryRequest() throws Exception {
        ggufRepo();
        // The endpoint's name does not resolve: only a proxy (the fake hub, reading the path of the absolute URI) reaches it.
        HubSettings s = HubSettings.fromEnvironment(Map.of("HF_ENDPOINT", "http://hub.invalid", "HF_HUB_CACHE", cacheDir.toString(),
                "http_proxy", hub.endpoint().getAuthority(), "NO_PROXY", "example.com"));

        Path model = new HubClient(s).pull(ModelRef.parse(REPO + ":Q8_0", null), DownloadListener.NONE);

        assertThat(Files.readAllBytes(model)).isEqualTo(bytes(2_000_000, 2));
    }

    @Test
    void noProxyNamesHostsAndDomainsThatGoDirect() {
        var proxy = EnvironmentProxy.from(Map.of("HTTPS_PROXY", "http://proxy.lan:3128", "NO_PROXY", "localhost, .internal,mirror.lan:8080"));
        assertThat(proxy.select(java.net.URI.create("https://huggingface.co/api")).getFirst().address()).hasToString("proxy.lan/<unresolved>:3128");
        assertThat(proxy.select(java.net.URI.create("https://hub.internal/x")).getFirst()).isEqualTo(java.net.Proxy.NO_PROXY);
        assertThat(proxy.select(java.net.URI.create("https://mirror.lan/x")).getFirst()).isEqualTo(java.net.Proxy.NO_PROXY);
        assertThat(proxy.select(java.net.URI.create("http://localhost/x")).getFirst()).isEqualTo(java.net.Proxy.NO_PROXY);
        assertThat(proxy.select(java.net.URI.create("http://other/x")).getFirst()).as("no HTTP_PROXY").isEqualTo(java.net.Proxy.NO_PROXY);
        assertThat(EnvironmentProxy.from(Map.of())).isNull();
    }

    @Test
    void settingsComeFromTheVariablesHuggingfaceHubReads(@TempDir Path home) throws Exception {
        Files.writeString(home.resolve("token"), "hf_from_login\n");
        HubSettings s = HubSettings.fromEnvironment(Map.of("HF_HOME", home.toString(), "HF_ENDPOINT", "https://hf-mirror.example/",
                "HF_HUB_OFFLINE", "yes"));
        assertThat(s.endpoint()).hasToString("https://hf-mirror.example");
        assertThat(s.cacheDir()).isEqualTo(home.resolve("hub"));
        assertThat(s.token()).isEqualTo("hf_from_login");
        assertThat(s.offline()).isTrue();
        assertThat(s.toString()).doesNotContain("hf_from_login");

        HubSettings t = HubSettings.fromEnvironment(Map.of("HF_HOME", home.toString(), "HF_HUB_CACHE", "/cache", "HF_TOKEN", "hf_env"));
        assertThat(t.endpoint()).isEqualTo(HubSettings.DEFAULT_ENDPOINT);
        assertThat(t.cacheDir()).isEqualTo(Path.of("/cache"));
        assertThat(t.token()).isEqualTo("hf_env");
        assertThat(t.offline()).isFalse();
    }
}
