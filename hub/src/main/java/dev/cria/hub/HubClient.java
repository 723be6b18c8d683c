package dev.cria.hub;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Models from the Hugging Face Hub, kept in the standard Hugging Face cache: {@link #pull} asks
 * the Hub and downloads what is missing, {@link #cached} answers from the cache alone,
 * {@link #list} and {@link #remove} manage it. The one public entry of this package.
 *
 * <pre>{@code
 * HubClient hub = HubClient.fromEnvironment(System.getenv());
 * Path gguf = hub.pull(ModelRef.parse("bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M", "main"), DownloadListener.NONE);
 * }</pre>
 */
public final class HubClient {
    /** A model in the cache: its name for the commands ({@code org/name/FILE} or {@code org/name}), its path and size. */
    public record CachedModel(String name, Path path, long bytes, String commit) {}

    private final HubSettings settings;
    private final HfCache cache;
    private final HubApi api;
    private final Duration stall;

    public HubClient(HubSettings settings) {
        this(settings, BlobDownload.STALL);
    }

    /** With another stall timeout (tests). */
    HubClient(HubSettings settings, Duration stall) {
        this.settings = settings;
        this.cache = new HfCache(settings.cacheDir());
        this.api = new HubApi(settings);
        this.stall = stall;
    }

    public static HubClient fromEnvironment(Map<String, String> env) {
        return new HubClient(HubSettings.fromEnvironment(env));
    }

    public HubSettings settings() {
        return settings;
    }

    /**
     * The model's local path (a GGUF file, or a snapshot folder of safetensors), downloading
     * whatever the cache lacks at the revision the Hub names now. With HF_HUB_OFFLINE, the cache
     * only. If the Hub cannot be reached and the model is cached, the cached copy (with a warning),
     * as huggingface_hub falls back to its cache.
     */
    public Path pull(ModelRef ref, DownloadListener listener) {
        if (settings.offline()) {
            return cached(ref).orElseThrow(() -> new HubException(HubException.Reason.OFFLINE,
                    "HF_HUB_OFFLINE is set and " + ref + " is not in the cache (" + settings.cacheDir() + "): unset it to pull"));
        }
        HubApi.Listing listing;
        try {
            listing = api.listing(ref.repo(), ref.revision());
        } catch (HubException e) {
            if (e.reason() != HubException.Reason.NETWORK) throw e;
            Optional<Path> local = cached(ref);
            if (local.isEmpty()) throw e;
            listener.warning(e.getMessage() + "; using the cached copy");
            return local.get();
        }
        FileChoice choice = FileChoice.choose(ref, listing.names());
        String commit = listing.commit();
        BlobDownload download = new BlobDownload(api, cache, listener, stall);
        Map<String, String> etags = new LinkedHashMap<>();
        for (String file : choice.files()) {
            HubApi.FileHead head = api.head(ref.repo(), commit, file);
            HubApi.RemoteFile listed = listing.file(file).orElseThrow();
            long size = head.size() >= 0 ? head.size() : listed.size();
            // LFS files: the listing's lfs.sha256, which is also their etag (X-Linked-Etag).
            String sha256 = listed.sha256() != null ? listed.sha256() : head.etag().matches("[0-9a-f]{64}") ? head.etag() : null;
            download.fetch(ref.repo(), file, head.etag(), head.location(), size, sha256);
            etags.put(file, head.etag());
        }
        // Linked only once every file is there, so that a snapshot never looks like a whole model while
        // a shard is missing (cached() judges a folder by the files its snapshot holds).
        etags.forEach((file, etag) -> cache.link(ref.repo(), commit, file, etag));
        cache.writeRef(ref.repo(), ref.revision(), commit);
        return cache.snapshot(ref.repo(), commit).resolve(choice.entry());
    }

    /**
     * The model's local path if the cache holds all its files at the revision, without the network.
     * A name that several cached files fit is an error, as it would be on the Hub.
     */
    public Optional<Path> cached(ModelRef ref) {
        Optional<String> commit = cache.commitOf(ref.repo(), ref.revision());
        if (commit.isEmpty()) return Optional.empty();
        List<String> names = cache.snapshotFiles(ref.repo(), commit.get());
        if (names.isEmpty()) return Optional.empty();
        FileChoice choice;
        try {
            choice = FileChoice.choose(ref, names);
        } catch (HubException e) {
            if (e.reason() == HubException.Reason.NOT_FOUND) return Optional.empty();
            throw e;
        }
        Path snapshot = cache.snapshot(ref.repo(), commit.get());
        for (String f : choice.files()) {
            if (!Files.isRegularFile(snapshot.resolve(f))) return Optional.empty(); // a dangling link: the blob is gone
        }
        return Optional.of(snapshot.resolve(choice.entry()));
    }

    /** The cached path if there is one, else a pull: what a command given a Hub model runs, so a cached model starts without the network. */
    public Path cachedOrPull(ModelRef ref, DownloadListener listener) {
        return cached(ref).orElseGet(() -> pull(ref, listener));
    }

    /** Every model in the cache: each GGUF file, and each snapshot with a config.json and safetensors. */
    public List<CachedModel> list() {
        List<CachedModel> models = new ArrayList<>();
        for (String repo : cache.repos()) {
            for (String commit : cache.snapshots(repo)) {
                Path snapshot = cache.snapshot(repo, commit);
                List<String> files = cache.snapshotFiles(repo, commit);
                long folderBytes = 0;
                boolean folder = false;
                for (String f : files) {
                    Path p = snapshot.resolve(f);
                    if (!Files.isRegularFile(p)) continue;
                    if (f.toLowerCase(Locale.ROOT).endsWith(".gguf")) models.add(new CachedModel(repo + "/" + f, p, size(p), commit));
                    else if (!f.contains("/")) {
                        folderBytes += size(p);
                        folder |= f.endsWith(".safetensors");
                    }
                }
                if (folder && files.contains("config.json")) models.add(new CachedModel(repo, snapshot, folderBytes, commit));
            }
        }
        return models;
    }

    /**
     * Removes a model from the cache: for {@code org/name} the repository's whole folder, else the
     * chosen files' snapshot links and every blob no remaining link points to. Returns the names
     * removed (empty: nothing of it was cached).
     */
    public List<String> remove(ModelRef ref) {
        Path repoDir = cache.repoDir(ref.repo());
        if (!Files.isDirectory(repoDir)) return List.of();
        if (ref.quant() == null && ref.file() == null) {
            deleteTree(repoDir);
            return List.of(ref.repo());
        }
        List<String> removed = new ArrayList<>();
        for (String commit : cache.snapshots(ref.repo())) {
            List<String> names = cache.snapshotFiles(ref.repo(), commit);
            FileChoice choice;
            try {
                choice = FileChoice.choose(ref, names);
            } catch (HubException e) {
                if (e.reason() == HubException.Reason.NOT_FOUND) continue;
                throw e;
            }
            Path snapshot = cache.snapshot(ref.repo(), commit);
            for (String f : choice.files()) {
                try {
                    Path link = snapshot.resolve(f);
                    Files.deleteIfExists(link);
                    // Folders left empty go too, the snapshot's own included, as huggingface_hub's cache deletion leaves none.
                    for (Path d = link.getParent(); d.startsWith(snapshot) && isEmptyDir(d); d = d.getParent()) Files.delete(d);
                } catch (IOException e) {
                    throw HfCache.disk("cannot delete " + f, e);
                }
                removed.add(ref.repo() + "/" + f);
            }
        }
        deleteUnlinkedBlobs(ref.repo());
        return removed;
    }

    private void deleteUnlinkedBlobs(String repo) {
        Set<Path> linked = new HashSet<>();
        for (String commit : cache.snapshots(repo)) {
            Path snapshot = cache.snapshot(repo, commit);
            for (String f : cache.snapshotFiles(repo, commit)) {
                try {
                    linked.add(snapshot.resolve(f).toRealPath());
                } catch (IOException e) {
                    // a dangling link holds no blob
                }
            }
        }
        Path blobs = cache.repoDir(repo).resolve("blobs");
        if (!Files.isDirectory(blobs)) return;
        try (var stream = Files.list(blobs)) {
            for (Path b : stream.toList()) {
                if (b.getFileName().toString().endsWith(".incomplete")) continue; // another pull may be writing it
                if (!linked.contains(b.toRealPath())) Files.delete(b);
            }
        } catch (IOException e) {
            throw HfCache.disk("cannot clean " + blobs, e);
        }
    }

    private static boolean isEmptyDir(Path d) throws IOException {
        if (!Files.isDirectory(d)) return false;
        try (var entries = Files.list(d)) {
            return entries.findAny().isEmpty();
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    private static void deleteTree(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    if (e != null) throw e;
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw HfCache.disk("cannot delete " + dir, e);
        }
    }
}
