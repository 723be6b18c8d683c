package dev.cria.server.web;

import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The chat page at {@code GET /}: three static files (HTML, script, style) from this package's
 * resources, read once. The page itself needs no key (it holds no data); its script sends the key
 * the user types to the API. It talks to the server it came from only, so it works with CORS off.
 */
public final class WebPage {
    /** Where the page's script and style live; {@code /} is the page. */
    public static final String ASSETS = "/web";

    /**
     * The page runs only its own script and style and talks only to this server: no inline script,
     * no other origin, no framing. Model text is never parsed as HTML (chat.js builds DOM nodes), and
     * this is the second wall if that ever broke.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private record Asset(String contentType, byte[] bytes) {
    }

    private final Map<String, Asset> assets = Map.of(
            "/", load("index.html", "text/html; charset=utf-8"),
            ASSETS + "/chat.js", load("chat.js", "text/javascript; charset=utf-8"),
            ASSETS + "/chat.css", load("chat.css", "text/css; charset=utf-8"));

    /** The paths this class serves: the page needs no API key and is not API work. */
    public static boolean owns(String path) {
        return path.equals("/") || path.startsWith(ASSETS + "/");
    }

    /** GET {@code /} or {@code /web/{file}}. */
    public void serve(Context ctx) {
        Asset asset = assets.get(ctx.path());
        if (asset == null) throw new NotFoundResponse();
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        // A new jar may bring a new page: the browser revalidates instead of keeping an old script.
        ctx.header("Cache-Control", "no-cache");
        ctx.contentType(asset.contentType());
        ctx.result(asset.bytes());
    }

    private static Asset load(String name, String contentType) {
        try (InputStream in = WebPage.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("web page resource missing from the jar: " + name);
            return new Asset(contentType, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
