package dev.cria.hub;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The proxies the environment names, as Python's requests (and so huggingface_hub) reads them:
 * {@code HTTPS_PROXY} / {@code HTTP_PROXY} by the target's scheme, either case, and {@code NO_PROXY}
 * (comma-separated hosts or domain suffixes, {@code *} for all). The JDK's HttpClient reads only the
 * {@code https.proxyHost} system properties, so without this a cluster behind a proxy could not pull.
 * Credentials in the proxy URL are not sent (the JDK refuses Basic auth for HTTPS tunnels by default).
 */
final class EnvironmentProxy extends ProxySelector {
    private final Proxy https;
    private final Proxy http;
    private final List<String> noProxy;

    private EnvironmentProxy(Proxy https, Proxy http, List<String> noProxy) {
        this.https = https;
        this.http = http;
        this.noProxy = noProxy;
    }

    /** The environment's proxies, or null when it names none (HttpClient then uses the JDK's default). */
    static ProxySelector from(Map<String, String> env) {
        Proxy https = proxy(first(env, "HTTPS_PROXY", "https_proxy"));
        Proxy http = proxy(first(env, "HTTP_PROXY", "http_proxy"));
        if (https == null && http == null) return null;
        List<String> noProxy = new ArrayList<>();
        String no = first(env, "NO_PROXY", "no_proxy");
        if (no != null) {
            for (String entry : no.split(",")) {
                String e = entry.strip().toLowerCase(Locale.ROOT);
                if (!e.isEmpty()) noProxy.add(e);
            }
        }
        return new EnvironmentProxy(https, http, List.copyOf(noProxy));
    }

    @Override
    public List<Proxy> select(URI uri) {
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        for (String e : noProxy) {
            String bare = e.startsWith(".") ? e.substring(1) : e;
            int colon = bare.lastIndexOf(':');
            if (colon > 0 && !bare.contains("]") && bare.indexOf(':') == colon) bare = bare.substring(0, colon); // a port is ignored
            if (e.equals("*") || host.equals(bare) || host.endsWith("." + bare)) return List.of(Proxy.NO_PROXY);
        }
        Proxy p = "https".equalsIgnoreCase(uri.getScheme()) ? https : http;
        return List.of(p != null ? p : Proxy.NO_PROXY);
    }

    @Override
    public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
        // HttpClient reports the failure itself; there is no other proxy to try
    }

    private static Proxy proxy(String value) {
        if (value == null) return null;
        URI u = URI.create(value.contains("://") ? value.strip() : "http://" + value.strip());
        if (u.getHost() == null) throw new IllegalArgumentException("cannot read the proxy '" + value + "' (expected http://host:port)");
        int port = u.getPort() > 0 ? u.getPort() : 80;
        return new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(u.getHost(), port));
    }

    private static String first(Map<String, String> env, String... names) {
        for (String n : names) {
            String v = env.get(n);
            if (v != null && !v.isBlank()) return v;
        }
        return null;
    }
}
