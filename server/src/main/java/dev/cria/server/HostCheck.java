package dev.cria.server;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which {@code Host} headers a keyless server answers. A server without keys trusts whoever can
 * reach it, which on loopback means local programs; but a web page can make the browser reach it
 * too, by a DNS name rebound to 127.0.0.1 (the browser then sends {@code Host: evil.example}).
 * Accepting only loopback names and the configured ones closes that door: the page cannot choose
 * the Host header. Names are compared without the port and case-insensitively (RFC 9110 §4.2.3);
 * addresses are recognised by their literal form, never resolved.
 */
final class HostCheck {
    private final boolean any;
    private final Set<String> allowed;

    HostCheck(List<String> allowedHosts) {
        this.any = allowedHosts.contains("*");
        this.allowed = allowedHosts.stream().map(HostCheck::hostPart).collect(Collectors.toUnmodifiableSet());
    }

    /** Whether a request with this Host header may be served (no header: HTTP/1.0, not a browser). */
    boolean accepts(String hostHeader) {
        if (any || hostHeader == null) return true;
        String host = hostPart(hostHeader);
        return isLoopback(host) || allowed.contains(host);
    }

    /** localhost, 127.0.0.0/8 and [::1] (RFC 6761 §6.3; RFC 1122 §3.2.1.3; RFC 4291 §2.5.3). */
    static boolean isLoopback(String host) {
        if (host.equals("localhost") || host.equals("[::1]")) return true;
        String[] octets = host.split("\\.", -1);
        if (octets.length != 4 || !octets[0].equals("127")) return false;
        for (String o : octets) {
            if (o.isEmpty() || o.length() > 3 || !o.chars().allMatch(c -> c >= '0' && c <= '9') || Integer.parseInt(o) > 255) return false;
        }
        return true;
    }

    /** The host of a Host header or an allowed-host entry, lower-cased, without a port ("[::1]:8080" → "[::1]"). */
    static String hostPart(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        if (v.startsWith("[")) {
            int end = v.indexOf(']');
            return end < 0 ? v : v.substring(0, end + 1);
        }
        int colon = v.indexOf(':');
        if (colon >= 0 && v.indexOf(':', colon + 1) < 0) return v.substring(0, colon);
        if (colon >= 0) return "[" + v + "]"; // a bare IPv6 address given as an allowed host
        return v;
    }
}
