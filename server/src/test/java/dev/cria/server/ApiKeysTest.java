package dev.cria.server;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ApiKeysTest {
    @Test
    void acceptsEveryConfiguredKeyAndNothingElse() {
        ApiKeys keys = new ApiKeys(List.of("sk-one", "sk-two"));

        assertThat(keys.accepts("sk-one")).isTrue();
        assertThat(keys.accepts("sk-two")).isTrue();
        assertThat(keys.accepts("sk-on")).isFalse();
        assertThat(keys.accepts("sk-one ")).isFalse();
        assertThat(keys.accepts(null)).isFalse();
    }

    @Test
    void readsBearerOrApiKeyHeader() {
        assertThat(ApiKeys.presented("Bearer abc", null)).isEqualTo("abc");
        assertThat(ApiKeys.presented("bearer  abc ", null)).isEqualTo("abc");
        assertThat(ApiKeys.presented(null, "xyz")).isEqualTo("xyz");
        assertThat(ApiKeys.presented("Basic Zm9v", null)).isNull();
    }

    @Test
    void noKeysMeansAuthenticationOff() {
        assertThat(new ApiKeys(List.of()).enabled()).isFalse();
    }
}
