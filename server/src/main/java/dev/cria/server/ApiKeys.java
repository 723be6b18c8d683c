package dev.cria.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * The configured API keys. Candidates are compared as SHA-256 digests with
 * {@link MessageDigest#isEqual} against every key (no early exit), so neither the position of the
 * first wrong byte nor the length of a key leaks through timing. Keys are never logged or printed.
 */
public final class ApiKeys {
    private final byte[][] digests;

    public ApiKeys(List<String> keys) {
        digests = new byte[keys.size()][];
        for (int i = 0; i < keys.size(); i++) digests[i] = sha256(keys.get(i));
    }

    public boolean enabled() {
        return digests.length > 0;
    }

    public boolean accepts(String candidate) {
        if (candidate == null) return false;
        byte[] d = sha256(candidate);
        boolean ok = false;
        for (byte[] key : digests) ok |= MessageDigest.isEqual(key, d);
        return ok;
    }

    /**
     * The key a request presents: {@code Authorization: Bearer KEY} (OpenAI SDKs, Azure ML scoring)
     * or, without one, the value of the key header of the route's API: {@code api-key: KEY} (Azure
     * OpenAI SDKs) or {@code x-api-key: KEY} (Anthropic SDKs).
     */
    public static String presented(String authorization, String apiKeyHeader) {
        if (authorization != null) {
            String a = authorization.strip();
            if (a.regionMatches(true, 0, "Bearer ", 0, 7)) return a.substring(7).strip();
        }
        return apiKeyHeader == null ? null : apiKeyHeader.strip();
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java SE spec", e);
        }
    }
}
