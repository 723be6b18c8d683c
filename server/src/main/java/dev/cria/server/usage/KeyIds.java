package dev.cria.server.usage;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The name under which usage and limits know an API key: {@code key_} and the first 96 bits of
 * HMAC-SHA-256(secret, key) in hex. The secret is this installation's (kept in the usage database,
 * 32 random bytes), so an id cannot be reversed, nor a guessed key checked against it, without the
 * database; the key itself is never stored. Requests without a key (a server without keys) are
 * {@link #ANONYMOUS}.
 */
public final class KeyIds {
    /** The id of requests that presented no key. */
    public static final String ANONYMOUS = "anonymous";
    private static final Pattern ID = Pattern.compile("key_[0-9a-f]{24}");
    private final SecretKeySpec secret;

    public KeyIds(byte[] secret) {
        if (secret.length < 16) throw new IllegalArgumentException("a key id secret needs at least 16 bytes");
        this.secret = new SecretKeySpec(secret.clone(), "HmacSHA256");
    }

    /** 32 random bytes from {@link SecureRandom}. */
    public static byte[] newSecret() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return b;
    }

    /** The id of {@code key}; {@link #ANONYMOUS} for null. */
    public String of(String key) {
        if (key == null) return ANONYMOUS;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(secret);
            byte[] h = mac.doFinal(key.getBytes(StandardCharsets.UTF_8));
            return "key_" + HexFormat.of().formatHex(h, 0, 12);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by the Java SE spec", e);
        }
    }

    /** Whether {@code s} has the form of a key id (as opposed to a key). */
    public static boolean isId(String s) {
        return ID.matcher(s).matches();
    }
}
