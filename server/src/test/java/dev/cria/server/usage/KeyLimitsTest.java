package dev.cria.server.usage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The --key-limits file: a default, entries by key id or by key, fields inherited from the default, null = no limit. */
class KeyLimitsTest {
    @TempDir
    Path dir;
    private final KeyIds ids = new KeyIds(KeyIds.newSecret());

    @Test
    void entriesNameAKeyIdOrTheKeyAndInheritTheDefault() throws Exception {
        String id = ids.of("team-b-key");
        Path f = Files.writeString(dir.resolve("limits.json"), """
                {"default": {"requests_per_minute": 60, "tokens_per_minute": 40000},
                 "keys": {"team-a-key": {"requests_per_minute": 600},
                          "%s": {"tokens_per_minute": null}}}""".formatted(id));

        KeyLimits l = KeyLimits.read(f, ids);

        assertThat(l.of(ids.of("team-a-key"))).isEqualTo(new KeyLimits.Limit(600L, 40000L));
        assertThat(l.of(id)).isEqualTo(new KeyLimits.Limit(60L, null));
        assertThat(l.of(ids.of("anyone else"))).isEqualTo(new KeyLimits.Limit(60L, 40000L));
    }

    @Test
    void aBadValueIsAOneLineErrorThatNeverRepeatsAKey() throws Exception {
        Path f = Files.writeString(dir.resolve("limits.json"), "{\"keys\": {\"sk-secret\": {\"requests_per_minute\": 0}}}");

        assertThatThrownBy(() -> KeyLimits.read(f, ids))
                .hasMessageContaining("requests_per_minute must be a positive integer")
                .hasMessageNotContaining("sk-secret");
    }

    @Test
    void anUnknownFieldIsRefused() throws Exception {
        Path f = Files.writeString(dir.resolve("limits.json"), "{\"default\": {\"rpm\": 5}}");

        assertThatThrownBy(() -> KeyLimits.read(f, ids)).hasMessageContaining("unknown field 'rpm'");
    }

    @Test
    void keyIdsAreStableForOneSecretAndDifferAcrossSecrets() {
        byte[] secret = KeyIds.newSecret();

        assertThat(new KeyIds(secret).of("k")).isEqualTo(new KeyIds(secret).of("k")).matches("key_[0-9a-f]{24}");
        assertThat(new KeyIds(KeyIds.newSecret()).of("k")).isNotEqualTo(new KeyIds(secret).of("k"));
    }
}
