package dev.cria.hub;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local Hugging Face Hub for tests, speaking the protocol the real one speaks (as of 2025):
 * <ul>
 * <li>{@code GET /api/models/{repo}/revision/{rev}?blobs=true}: {@code sha} and {@code siblings}
 *     with {@code rfilename}, {@code size}, {@code blobId} and for LFS files {@code lfs.sha256}.</li>
 * <li>{@code HEAD|GET /{repo}/resolve/{rev}/{file}}: {@code X-Repo-Commit}, {@code ETag}; LFS files
 *     (GGUF, safetensors, anything over 1 MiB) answer 302 to the "CDN" with {@code X-Linked-Etag}
 *     (their sha256) and {@code X-Linked-Size}; small files answer 200 with their git blob id as ETag.</li>
 * <li>{@code GET /cdn/{sha256}}: the bytes, with Range (206, Content-Range). The CDN's URL names
 *     {@code localhost} while the endpoint is {@code 127.0.0.1}: another host, as a real CDN is, so
 *     a test sees whether the token leaked to it.</li>
 * <li>errors with {@code X-Error-Code} / {@code X-Error-Message}: RepoNotFound (401 without a token,
 *     404 with one), RevisionNotFound, EntryNotFound, GatedRepo (401 without a token, 403 with one
 *     that has no access), and 401 "Invalid credentials in Authorization header" for an unknown token.</li>
 * </ul>
 * Faults for tests: {@link #corrupt} serves other bytes than the listed sha256; {@link #breakAfter}
 * closes the CDN connection after some bytes.
 */
public final class FakeHub implements AutoCloseable {
    /** One request as the hub saw it. */
    public record Request(String method, String path, String range, String authorization) {}

    private record HubFile(String name, byte[] bytes, String sha256, String gitOid, boolean lfs) {}

    private static final class Repo {
        final String id;
        final String commit;
        final Map<String, HubFile> files = new LinkedHashMap<>();
        boolean gated;
        final Set<String> allowedTokens = new HashSet<>();

        Repo(String id) {
            this.id = id;
            this.commit = hex(digest("SHA-1", ("commit of " + id).getBytes(StandardCharsets.UTF_8)));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern API = Pattern.compile("/api/models/([^/]+/[^/]+)/revision/([^/?]+)");
    private static final Pattern RESOLVE = Pattern.compile("/([^/]+/[^/]+)/resolve/([^/]+)/(.+)");
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

    private final HttpServer server;
    private final Map<String, Repo> repos = new ConcurrentHashMap<>();
    private final Set<String> validTokens = ConcurrentHashMap.newKeySet();
    private final Map<String, byte[]> corrupted = new ConcurrentHashMap<>();
    private final Map<String, long[]> breaks = new ConcurrentHashMap<>();
    private final Map<String, Long> stalls = new ConcurrentHashMap<>();
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());

    private FakeHub() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    public static FakeHub start() {
        try {
            return new FakeHub();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What HF_ENDPOINT points at. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Adds a file to a repository (made on first use); its bytes are read now. */
    public FakeHub file(String repo, String name, Path content) {
        try {
            return file(repo, name, Files.readAllBytes(content));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public FakeHub file(String repo, String name, byte[] bytes) {
        boolean lfs = bytes.length > (1 << 20) || name.endsWith(".gguf") || name.endsWith(".safetensors");
        byte[] header = ("blob " + bytes.length + "\0").getBytes(StandardCharsets.UTF_8);
        byte[] withHeader = new byte[header.length + bytes.length];
        System.arraycopy(header, 0, withHeader, 0, header.length);
        System.arraycopy(bytes, 0, withHeader, header.length, bytes.length);
        HubFile f = new HubFile(name, bytes, hex(digest("SHA-256", bytes)), hex(digest("SHA-1", withHeader)), lfs);
        repos.computeIfAbsent(repo, Repo::new).files.put(name, f);
        return this;
    }

    /** The repository's commit hash (what refs/main must hold after a pull). */
    public String commit(String repo) {
        return repos.get(repo).commit;
    }

    public String sha256(String repo, String name) {
        return repos.get(repo).files.get(name).sha256();
    }

    /** Makes a repository gated: its files need a token in {@code allowed}. */
    public FakeHub gate(String repo, String... allowed) {
        Repo r = repos.get(repo);
        r.gated = true;
        r.allowedTokens.addAll(List.of(allowed));
        validTokens.addAll(List.of(allowed));
        return this;
    }

    /** A token the hub knows (valid credentials), with or without access to gated repositories. */
    public FakeHub knowToken(String token) {
        validTokens.add(token);
        return this;
    }

    /** The CDN serves these bytes for the file instead of its own (the listing keeps the true sha256). */
    public FakeHub corrupt(String repo, String name) {
        byte[] bytes = repos.get(repo).files.get(name).bytes().clone();
        bytes[bytes.length / 2] ^= 0x5A;
        corrupted.put(repos.get(repo).files.get(name).sha256(), bytes);
        return this;
    }

    /** The next {@code times} CDN answers for the file close the connection after sending {@code bytes} bytes. */
    public FakeHub breakAfter(String repo, String name, long bytes, int times) {
        breaks.put(repos.get(repo).files.get(name).sha256(), new long[]{bytes, times});
        return this;
    }

    /** The next CDN answer for the file sends {@code bytes} bytes, then nothing more while the connection stays open. */
    public FakeHub stallAfter(String repo, String name, long bytes) {
        stalls.put(repos.get(repo).files.get(name).sha256(), bytes);
        return this;
    }

    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getRawPath();
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            requests.add(new Request(ex.getRequestMethod(), path, ex.getRequestHeaders().getFirst("Range"), auth));
            String token = auth != null && auth.startsWith("Bearer ") ? auth.substring(7) : null;
            if (path.startsWith("/cdn/")) {
                cdn(ex, path.substring(5));
                return;
            }
            if (token != null && !validTokens.contains(token)) {
                error(ex, 401, null, "Invalid credentials in Authorization header");
                return;
            }
            Matcher api = API.matcher(path);
            Matcher resolve = RESOLVE.matcher(path);
            if (api.matches()) apiInfo(ex, decode(api.group(1)), decode(api.group(2)), token);
            else if (resolve.matches()) resolve(ex, decode(resolve.group(1)), decode(resolve.group(2)), decode(resolve.group(3)), token);
            else error(ex, 404, null, "Not found");
        }
    }

    private void apiInfo(HttpExchange ex, String repoId, String revision, String token) throws IOException {
        Repo repo = repos.get(repoId);
        if (repo == null) {
            repoNotFound(ex, token);
            return;
        }
        if (!revision.equals("main") && !revision.equals(repo.commit)) {
            error(ex, 404, "RevisionNotFound", "Invalid rev id: " + revision);
            return;
        }
        List<Map<String, Object>> siblings = new ArrayList<>();
        for (HubFile f : repo.files.values()) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("rfilename", f.name());
            s.put("blobId", f.gitOid());
            s.put("size", f.bytes().length);
            if (f.lfs()) s.put("lfs", Map.of("sha256", f.sha256(), "size", f.bytes().length, "pointerSize", 134));
            siblings.add(s);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("_id", "fake" + repo.commit.substring(0, 8));
        body.put("id", repo.id);
        body.put("modelId", repo.id);
        body.put("sha", repo.commit);
        body.put("private", false);
        body.put("gated", repo.gated ? "manual" : false);
        body.put("siblings", siblings);
        byte[] json = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(200, json.length);
        ex.getResponseBody().write(json);
    }

    private void resolve(HttpExchange ex, String repoId, String revision, String name, String token) throws IOException {
        Repo repo = repos.get(repoId);
        if (repo == null) {
            repoNotFound(ex, token);
            return;
        }
        if (repo.gated && !repo.allowedTokens.contains(token)) {
            if (token == null) {
                error(ex, 401, "GatedRepo", "Access to model " + repoId + " is restricted. You must have access to it and be authenticated to access it. Please log in.");
            } else {
                error(ex, 403, "GatedRepo", "Access to model " + repoId + " is restricted and you are not in the authorized list. Visit "
                        + endpoint() + "/" + repoId + " to ask for access.");
            }
            return;
        }
        if (!revision.equals("main") && !revision.equals(repo.commit)) {
            error(ex, 404, "RevisionNotFound", "Invalid rev id: " + revision);
            return;
        }
        HubFile f = repo.files.get(name);
        if (f == null) {
            error(ex, 404, "EntryNotFound", "Entry not found");
            return;
        }
        Headers h = ex.getResponseHeaders();
        h.set("X-Repo-Commit", repo.commit);
        h.set("Accept-Ranges", "bytes");
        if (f.lfs()) {
            h.set("ETag", "\"" + f.gitOid() + "\"");
            h.set("X-Linked-Etag", "\"" + f.sha256() + "\"");
            h.set("X-Linked-Size", Long.toString(f.bytes().length));
            h.set("Location", "http://localhost:" + server.getAddress().getPort() + "/cdn/" + f.sha256() + "?X-Amz-Signature=fake");
            ex.sendResponseHeaders(302, -1);
            return;
        }
        h.set("ETag", "\"" + f.gitOid() + "\"");
        sendBytes(ex, f.bytes(), null);
    }

    private void cdn(HttpExchange ex, String sha256) throws IOException {
        HubFile f = repos.values().stream().flatMap(r -> r.files.values().stream()).filter(x -> x.sha256().equals(sha256)).findFirst().orElse(null);
        if (f == null) {
            error(ex, 404, null, "NoSuchKey");
            return;
        }
        long[] brk = breaks.get(sha256);
        Long cut = null;
        if (brk != null && brk[1] > 0) {
            brk[1]--;
            cut = brk[0];
        }
        Long stall = stalls.remove(sha256);
        if (stall != null) {
            ex.sendResponseHeaders(200, f.bytes().length);
            ex.getResponseBody().write(f.bytes(), 0, stall.intValue());
            ex.getResponseBody().flush();
            try {
                Thread.sleep(30_000); // the client gives up first; stop() ends this thread
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("fake hub: stalled answer ended");
        }
        sendBytes(ex, corrupted.getOrDefault(sha256, f.bytes()), cut);
    }

    /** The bytes, or with a Range header the rest from its start (206); {@code cutAfter}: close the connection after sending that many. */
    private static void sendBytes(HttpExchange ex, byte[] bytes, Long cutAfter) throws IOException {
        String range = ex.getRequestHeaders().getFirst("Range");
        int from = 0;
        if (range != null) {
            Matcher m = RANGE.matcher(range);
            if (m.matches()) from = (int) Math.min(Long.parseLong(m.group(1)), bytes.length);
            if (from == bytes.length) {
                ex.getResponseHeaders().set("Content-Range", "bytes */" + bytes.length);
                ex.sendResponseHeaders(416, -1);
                return;
            }
            ex.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (bytes.length - 1) + "/" + bytes.length);
        }
        ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
        int length = bytes.length - from;
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.getResponseHeaders().set("Content-Length", Integer.toString(length));
            ex.sendResponseHeaders(range != null ? 206 : 200, -1);
            return;
        }
        ex.sendResponseHeaders(range != null ? 206 : 200, length);
        OutputStream out = ex.getResponseBody();
        if (cutAfter != null && cutAfter < length) {
            out.write(bytes, from, cutAfter.intValue());
            out.flush();
            throw new IOException("fake hub: connection cut after " + cutAfter + " bytes"); // closes the connection short of Content-Length
        }
        out.write(bytes, from, length);
    }

    private void repoNotFound(HttpExchange ex, String token) throws IOException {
        // The Hub will not say whether a repository exists to someone who is not logged in: 401, not 404.
        error(ex, token == null ? 401 : 404, "RepoNotFound", "Repository not found");
    }

    private static void error(HttpExchange ex, int status, String code, String message) throws IOException {
        if (code != null) ex.getResponseHeaders().set("X-Error-Code", code);
        ex.getResponseHeaders().set("X-Error-Message", message);
        byte[] body = JSON.writeValueAsBytes(Map.of("error", message));
        ex.getResponseHeaders().set("Content-Type", "application/json");
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static byte[] digest(String algorithm, byte[] bytes) {
        try {
            return MessageDigest.getInstance(algorithm).digest(bytes);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] b) {
        return java.util.HexFormat.of().formatHex(b);
    }
}
