package dev.cria.hub;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The URLs and header values of the Hub's protocol. */
class HubApiTest {
    @Test
    void etagsAreNormalizedAsHuggingfaceHubDoes() {
        assertThat(HubApi.normalizeEtag("\"a1b2\"")).isEqualTo("a1b2");
        assertThat(HubApi.normalizeEtag("W/\"a1b2\"")).isEqualTo("a1b2");
        assertThat(HubApi.normalizeEtag("a1b2")).isEqualTo("a1b2");
    }

    @Test
    void resolveUrlsEncodeEachPathSegmentAndTheRevision() {
        HubApi api = new HubApi(new HubSettings(URI.create("https://hf.example/"), null, Path.of("/tmp/none"), false));
        assertThat(api.resolveUri("org/name", "refs/pr/1", "sub dir/model Q4.gguf"))
                .hasToString("https://hf.example/org/name/resolve/refs%2Fpr%2F1/sub%20dir/model%20Q4.gguf");
    }
}
