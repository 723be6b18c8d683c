package dev.cria.server.usage;

import dev.cria.util.StrictJson;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Requests and tokens per minute per key, read from {@code --key-limits FILE} (JSON):
 * <pre>{@code
 * {"default": {"requests_per_minute": 60, "tokens_per_minute": 40000},
 *  "keys": {"key_3f2a…": {"requests_per_minute": 600}, "the-key-itself": {"tokens_per_minute": null}}}
 * }</pre>
 * A key is named by its id (as {@code /v1/usage} shows it) or by the key itself. A field left out
 * takes the default's value; {@code null} means no limit. Keys not listed get the default; without
 * a default they are not limited.
 */
public final class KeyLimits {
    /** Per minute; null = no limit. */
    public record Limit(Long requestsPerMinute, Long tokensPerMinute) {
        public static final Limit NONE = new Limit(null, null);

        public boolean limited() {
            return requestsPerMinute != null || tokensPerMinute != null;
        }
    }

    public static final KeyLimits NONE = new KeyLimits(Limit.NONE, Map.of());

    private final Limit fallback;
    private final Map<String, Limit> byId;

    public KeyLimits(Limit fallback, Map<String, Limit> byId) {
        this.fallback = fallback;
        this.byId = Map.copyOf(byId);
    }

    /** The limit of the key with this id. */
    public Limit of(String keyId) {
        return byId.getOrDefault(keyId, fallback);
    }

    /** Reads {@code file}; keys given in clear become their ids under {@code ids}. Errors name the file and the entry. */
    public static KeyLimits read(Path file, KeyIds ids) {
        Object root;
        try {
            root = StrictJson.parse(Files.readString(file));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("--key-limits " + file + ": " + e.getMessage(), e);
        }
        if (!(root instanceof Map<?, ?> m)) throw new IllegalArgumentException("--key-limits " + file + ": expected a JSON object");
        for (Object k : m.keySet()) {
            if (!k.equals("default") && !k.equals("keys")) {
                throw new IllegalArgumentException("--key-limits " + file + ": unknown field '" + k + "' (expected default, keys)");
            }
        }
        Limit fallback = m.containsKey("default") ? limit(file, "default", m.get("default"), Limit.NONE) : Limit.NONE;
        Map<String, Limit> byId = new HashMap<>();
        Object keys = m.get("keys");
        if (keys != null) {
            if (!(keys instanceof Map<?, ?> km)) throw new IllegalArgumentException("--key-limits " + file + ": 'keys' must be an object");
            for (Map.Entry<?, ?> e : km.entrySet()) {
                String name = (String) e.getKey();
                // The entry's name is never printed: it may be a key.
                String id = KeyIds.isId(name) ? name : ids.of(name);
                byId.put(id, limit(file, KeyIds.isId(name) ? "keys." + name : "an entry of keys", e.getValue(), fallback));
            }
        }
        return new KeyLimits(fallback, byId);
    }

    private static Limit limit(Path file, String where, Object value, Limit inherit) {
        if (!(value instanceof Map<?, ?> m)) throw new IllegalArgumentException("--key-limits " + file + ": " + where + " must be an object");
        for (Object k : m.keySet()) {
            if (!k.equals("requests_per_minute") && !k.equals("tokens_per_minute")) {
                throw new IllegalArgumentException("--key-limits " + file + ": " + where + ": unknown field '" + k
                        + "' (expected requests_per_minute, tokens_per_minute)");
            }
        }
        return new Limit(count(file, where, m, "requests_per_minute", inherit.requestsPerMinute()),
                count(file, where, m, "tokens_per_minute", inherit.tokensPerMinute()));
    }

    private static Long count(Path file, String where, Map<?, ?> m, String field, Long inherit) {
        if (!m.containsKey(field)) return inherit;
        Object v = m.get(field);
        if (v == null) return null;
        if (v instanceof Long n && n >= 1) return n;
        throw new IllegalArgumentException("--key-limits " + file + ": " + where + "." + field + " must be a positive integer or null, got " + v);
    }
}
