package dev.cria.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The Hub's HTTP protocol, as huggingface_hub speaks it:
 * <ul>
 * <li>{@code GET /api/models/{repo}/revision/{rev}?blobs=true}: the commit ({@code sha}) and the
 *     files ({@code siblings}: {@code rfilename}, {@code size}, {@code lfs.sha256}).</li>
 * <li>{@code HEAD /{repo}/resolve/{commit}/{file}}: {@code X-Repo-Commit}, the blob's name
 *     ({@code X-Linked-Etag} for LFS files, else {@code ETag}), {@code X-Linked-Size}, and for LFS
 *     files a 302 to the CDN that is not followed (its {@code Location} is where the bytes are).</li>
 * <li>errors: {@code X-Error-Code} ({@code RepoNotFound}, {@code GatedRepo}, {@code RevisionNotFound},
 *     {@code EntryNotFound}) and {@code X-Error-Message}, as huggingface_hub's hf_raise_for_status reads them.</li>
 * </ul>
 * The token goes only to the endpoint's own host: the CDN gets a signed URL and no Authorization
 * header (the Python client's requests drops it on a redirect to another host too).
 */
final class HubApi {
    static final String USER_AGENT = "cria/0.1.0; java/" + Runtime.version().feature();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_REDIRECTS = 5;

    /** One file of a repository at a commit, from the API listing. */
    record RemoteFile(String name, long size, String sha256) {}

    /** A repository at one commit. */
    record Listing(String commit, List<RemoteFile> files) {
        List<String> names() {
            return files.stream().map(RemoteFile::name).toList();
        }

        Optional<RemoteFile> file(String name) {
            return files.stream().filter(f -> f.name().equals(name)).findFirst();
        }
    }

    /** What a HEAD on resolve says about a file: its blob name, size, and where to download it. */
    record FileHead(String etag, long size, URI location) {}

    private final HubSettings settings;
    private final HttpClient http;

    HubApi(HubSettings settings) {
        this.settings = settings;
        // Redirects are followed by hand: HEAD must not follow the CDN redirect, and the token must
        // not follow a redirect to another host.
        HttpClient.Builder b = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(20));
        if (settings.proxy() != null) b.proxy(settings.proxy());
        this.http = b.build();
    }

    Listing listing(String repo, String revision) {
        URI uri = URI.create(settings.endpoint() + "/api/models/" + repo + "/revision/" + encode(revision) + "?blobs=true");
        HttpResponse<byte[]> r = send(request(uri).GET().build(), HttpResponse.BodyHandlers.ofByteArray(), repo);
        if (r.statusCode() != 200) throw failure(r, repo, revision, null);
        try {
            JsonNode root = JSON.readTree(r.body());
            String commit = root.path("sha").asText("");
            if (!HfCache.isCommitHash(commit)) throw new HubException(HubException.Reason.NETWORK, uri + " answered no commit hash (sha)");
            List<RemoteFile> files = new ArrayList<>();
            for (JsonNode s : root.path("siblings")) {
                String name = s.path("rfilename").asText(null);
                if (name == null || !ModelRef.isSafeFilePath(name)) continue; // a name that climbs out of the snapshot is never a path here
                JsonNode lfs = s.path("lfs");
                String sha256 = lfs.isObject() ? lfs.path("sha256").asText(null) : null;
                long size = s.path("size").asLong(lfs.path("size").asLong(-1));
                files.add(new RemoteFile(name, size, sha256));
            }
            return new Listing(commit, files);
        } catch (IOException e) {
            throw new HubException(HubException.Reason.NETWORK, uri + " answered unreadable JSON: " + e.getMessage(), e);
        }
    }

    FileHead head(String repo, String commit, String file) {
        URI uri = resolveUri(repo, commit, file);
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpResponse<Void> r = send(request(uri).method("HEAD", HttpRequest.BodyPublishers.noBody())
                    .header("Accept-Encoding", "identity").build(), HttpResponse.BodyHandlers.discarding(), repo);
            int status = r.statusCode();
            Optional<String> location = r.headers().firstValue("Location");
            // A relative redirect is the Hub's own (a renamed repository): follow it. An absolute one to
            // another host is the CDN: stop and download from there (huggingface_hub's follow_relative_redirects).
            if (status >= 300 && status < 400 && location.isPresent() && !URI.create(location.get()).isAbsolute()) {
                uri = uri.resolve(location.get());
                continue;
            }
            if (status >= 400) throw failure(r, repo, commit, file);
            String etag = r.headers().firstValue("X-Linked-Etag").or(() -> r.headers().firstValue("ETag"))
                    .map(HubApi::normalizeEtag).orElseThrow(() -> new HubException(HubException.Reason.NETWORK,
                            "the Hub sent no ETag for " + repo + "/" + file + " (a proxy in between?)"));
            // The etag becomes a file name in blobs/: only what a sha256 or git object id can hold.
            if (!etag.matches("[A-Za-z0-9._-]{1,128}") || etag.startsWith(".")) {
                throw new HubException(HubException.Reason.NETWORK, "the Hub sent a strange ETag for " + repo + "/" + file);
            }
            long size = r.headers().firstValue("X-Linked-Size").or(() -> r.headers().firstValue("Content-Length"))
                    .map(Long::parseLong).orElse(-1L);
            URI at = location.map(uri::resolve).orElse(uri);
            return new FileHead(etag, size, at);
        }
        throw new HubException(HubException.Reason.NETWORK, "too many redirects for " + repo + "/" + file);
    }

    /**
     * GETs bytes from {@code from} on (a Range request when from > 0), following redirects, with the
     * token only on the endpoint's host. The caller reads and closes the body.
     */
    HttpResponse<InputStream> download(URI uri, long from, String repo, String file) {
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder b = request(uri).GET().header("Accept-Encoding", "identity");
            if (from > 0) b.header("Range", "bytes=" + from + "-");
            HttpResponse<InputStream> r = send(b.build(), HttpResponse.BodyHandlers.ofInputStream(), repo);
            int status = r.statusCode();
            Optional<String> location = r.headers().firstValue("Location");
            if (status >= 300 && status < 400 && location.isPresent()) {
                close(r);
                uri = uri.resolve(location.get());
                continue;
            }
            if (status >= 400 && status != 416) {
                close(r);
                throw failure(r, repo, null, file);
            }
            return r;
        }
        throw new HubException(HubException.Reason.NETWORK, "too many redirects for " + repo + "/" + file);
    }

    URI resolveUri(String repo, String revision, String file) {
        StringBuilder path = new StringBuilder();
        for (String segment : file.split("/")) path.append('/').append(encode(segment));
        return URI.create(settings.endpoint() + "/" + repo + "/resolve/" + encode(revision) + path);
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).header("User-Agent", USER_AGENT);
        if (settings.token() != null && sameOrigin(uri, settings.endpoint())) b.header("Authorization", "Bearer " + settings.token());
        return b;
    }

    private static boolean sameOrigin(URI a, URI b) {
        return Objects.equals(a.getScheme(), b.getScheme()) && Objects.equals(a.getHost(), b.getHost()) && a.getPort() == b.getPort();
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body, String repo) {
        try {
            return http.send(request, body);
        } catch (IOException e) {
            throw new HubException(HubException.Reason.NETWORK, "cannot reach " + request.uri().getScheme() + "://" + request.uri().getAuthority()
                    + " for " + repo + ": " + HfCache.describe(e) + " (HF_HUB_OFFLINE=1 uses the cache only; HF_ENDPOINT names a mirror)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException(HubException.Reason.NETWORK, "interrupted while talking to the Hub", e);
        }
    }

    /**
     * An error answer as one line, keyed on X-Error-Code first as hf_raise_for_status is. Without a
     * token the Hub answers 401 (not 404) for a repository it will not show, private or missing.
     */
    private HubException failure(HttpResponse<?> r, String repo, String revision, String file) {
        String code = r.headers().firstValue("X-Error-Code").orElse("");
        String message = r.headers().firstValue("X-Error-Message").map(HubApi::printable).orElse("");
        int status = r.statusCode();
        String page = settings.endpoint() + "/" + repo;
        boolean token = settings.token() != null;
        String hub = message.isEmpty() ? "" : " (the Hub says: " + message + ")";
        if (code.equals("GatedRepo")) {
            return new HubException(HubException.Reason.GATED, token
                    ? repo + " is gated and the account of HF_TOKEN has no access yet: ask for it at " + page + hub
                    : repo + " is gated: accept its licence at " + page + ", then set HF_TOKEN to an access token of that account ("
                      + settings.endpoint() + "/settings/tokens)");
        }
        if (code.equals("RevisionNotFound")) return new HubException(HubException.Reason.NOT_FOUND, repo + " has no revision " + revision);
        if (code.equals("EntryNotFound") || (status == 404 && file != null && !code.equals("RepoNotFound"))) {
            return new HubException(HubException.Reason.NOT_FOUND, repo + " has no file " + file);
        }
        if (status == 401 && message.startsWith("Invalid credentials")) {
            return new HubException(HubException.Reason.UNAUTHORIZED, "the Hub refused HF_TOKEN (invalid credentials): check the token or unset HF_TOKEN");
        }
        if (code.equals("RepoNotFound") || status == 404 || status == 401) {
            return new HubException(HubException.Reason.NOT_FOUND, "no repository " + repo + " on " + settings.endpoint()
                    + (token ? " that HF_TOKEN can see" : " (if it is private, set HF_TOKEN)"));
        }
        if (status == 407) {
            return new HubException(HubException.Reason.UNAUTHORIZED, "the proxy asked for credentials (HTTP 407), which Cria does not send yet");
        }
        if (status == 403) {
            return new HubException(HubException.Reason.UNAUTHORIZED, "the Hub refused access to " + repo + " with HF_TOKEN" + hub);
        }
        return new HubException(HubException.Reason.NETWORK, "the Hub answered HTTP " + status + " for " + r.request().uri() + hub);
    }

    /** huggingface_hub's _normalize_etag: drop a weak validator's "W/" and the quotes. */
    static String normalizeEtag(String etag) {
        String e = etag.strip();
        if (e.startsWith("W/")) e = e.substring(2);
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) e = e.substring(1, e.length() - 1);
        return e;
    }

    /** Header text from the network, safe for one terminal line. */
    private static String printable(String s) {
        String t = s.replaceAll("\\p{Cntrl}", " ").strip();
        return t.length() > 300 ? t.substring(0, 300) + "…" : t;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void close(HttpResponse<InputStream> r) {
        try {
            r.body().close();
        } catch (IOException ignored) {
            // the answer is being thrown away anyway
        }
    }
}
