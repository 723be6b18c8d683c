package dev.cria.hub;

import java.io.IOException;
import java.net.ProxySelector;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where the Hub is, who we are to it and where the cache lives: the environment variables
 * huggingface_hub reads, with its defaults, so that both tools share one cache and one login.
 *
 * @param endpoint the Hub (HF_ENDPOINT, for mirrors; default https://huggingface.co)
 * @param token    a user access token, or null (HF_TOKEN, else the file {@code huggingface-cli login} writes)
 * @param cacheDir the hub cache holding {@code models--org--name} folders (HF_HUB_CACHE, default $HF_HOME/hub)
 * @param offline  HF_HUB_OFFLINE: never touch the network, answer from the cache only
 * @param proxy    the proxies HTTPS_PROXY / HTTP_PROXY / NO_PROXY name, or null for the JDK's default
 */
public record HubSettings(URI endpoint, String token, Path cacheDir, boolean offline, ProxySelector proxy) {
    public static final URI DEFAULT_ENDPOINT = URI.create("https://huggingface.co");

    /** The values huggingface_hub treats as true for its boolean variables (constants._is_true). */
    private static final Set<String> TRUE = Set.of("1", "ON", "YES", "TRUE");

    /** Without a proxy of its own (the JDK's default, from the https.proxyHost system properties). */
    public HubSettings(URI endpoint, String token, Path cacheDir, boolean offline) {
        this(endpoint, token, cacheDir, offline, null);
    }

    public HubSettings {
        String e = endpoint.toString();
        // huggingface_hub strips a trailing slash from HF_ENDPOINT; we build URLs by appending "/api/...".
        if (e.endsWith("/")) endpoint = URI.create(e.substring(0, e.length() - 1));
        if (token != null && token.isBlank()) token = null;
    }

    /** The settings the environment describes (System.getenv(), or a map in tests). */
    public static HubSettings fromEnvironment(Map<String, String> env) {
        String home = first(env, "HF_HOME");
        Path hfHome;
        if (home != null) hfHome = Path.of(home);
        else if (first(env, "XDG_CACHE_HOME") != null) hfHome = Path.of(first(env, "XDG_CACHE_HOME"), "huggingface");
        else hfHome = Path.of(System.getProperty("user.home"), ".cache", "huggingface");
        // HUGGINGFACE_HUB_CACHE and HUGGING_FACE_HUB_TOKEN are the older names huggingface_hub still honours.
        String cache = first(env, "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE");
        String endpoint = first(env, "HF_ENDPOINT");
        String token = first(env, "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN");
        if (token == null) {
            String tokenPath = first(env, "HF_TOKEN_PATH");
            token = readToken(tokenPath != null ? Path.of(tokenPath) : hfHome.resolve("token"));
        }
        String offline = first(env, "HF_HUB_OFFLINE");
        return new HubSettings(endpoint != null ? URI.create(endpoint.strip()) : DEFAULT_ENDPOINT, token,
                cache != null ? Path.of(cache) : hfHome.resolve("hub"),
                offline != null && TRUE.contains(offline.strip().toUpperCase(Locale.ROOT)), EnvironmentProxy.from(env));
    }

    /** The token is a secret: never in logs or messages. */
    @Override
    public String toString() {
        return "HubSettings[endpoint=" + endpoint + ", token=" + (token == null ? "none" : "set") + ", cacheDir=" + cacheDir
                + ", offline=" + offline + ", proxy=" + (proxy == null ? "default" : "from the environment") + "]";
    }

    private static String first(Map<String, String> env, String... names) {
        for (String n : names) {
            String v = env.get(n);
            if (v != null && !v.isBlank()) return v;
        }
        return null;
    }

    private static String readToken(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8).strip() : null;
        } catch (IOException e) {
            return null; // an unreadable token file is no token, as in huggingface_hub
        }
    }
}
