package dev.cria.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One file's bytes into {@code blobs/{etag}}: written to {@code {etag}.incomplete} first, resumed
 * from where an earlier try stopped with {@code Range: bytes=N-} (huggingface_hub's http_get does the
 * same), checked against the SHA-256 the Hub reports for LFS files, then moved into place. A lock
 * file under {@code .locks/} keeps two pulls of one blob (two init containers on one volume) apart.
 */
final class BlobDownload {
    /** Tries per file: a connection that breaks off is resumed this many times before giving up. */
    static final int ATTEMPTS = 5;
    /** No byte for this long and the connection counts as broken off (HttpClient has no read timeout for a body). */
    static final Duration STALL = Duration.ofSeconds(60);
    private static final Map<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-\\d+/(\\d+|\\*)");

    private final HubApi api;
    private final HfCache cache;
    private final DownloadListener listener;
    private final Duration stall;

    BlobDownload(HubApi api, HfCache cache, DownloadListener listener, Duration stall) {
        this.api = api;
        this.cache = cache;
        this.listener = listener;
        this.stall = stall;
    }

    /** Downloads into the blob unless it is there; {@code sha256} may be null (a small non-LFS file). */
    void fetch(String repo, String file, String etag, URI location, long size, String sha256) {
        Path blob = cache.blob(repo, etag);
        Path lockFile = cache.lock(repo, etag);
        try {
            Files.createDirectories(blob.getParent());
            Files.createDirectories(lockFile.getParent());
        } catch (IOException e) {
            throw HfCache.disk("cannot create " + blob.getParent(), e);
        }
        // A file lock excludes other processes only: within one JVM a second lock on the same file
        // throws OverlappingFileLockException, so threads of this process queue on a lock of their own first.
        ReentrantLock inProcess = IN_PROCESS.computeIfAbsent(lockFile.toAbsolutePath().normalize(), p -> new ReentrantLock());
        inProcess.lock();
        try (FileChannel lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = lockChannel.lock()) {
            if (Files.isRegularFile(blob)) {
                listener.finished(file, Files.size(blob), true);
                return;
            }
            download(repo, file, blob, cache.incomplete(repo, etag), location, size, sha256);
        } catch (IOException e) {
            throw HfCache.disk("cannot write " + blob, e);
        } finally {
            inProcess.unlock();
        }
    }

    private void download(String repo, String file, Path blob, Path partial, URI location, long size, String sha256) throws IOException {
        MessageDigest digest = sha256 == null ? null : sha256();
        long have = Files.exists(partial) ? Files.size(partial) : 0;
        if (size >= 0 && have > size) {
            Files.delete(partial);
            have = 0;
        }
        if (digest != null && have > 0) hashExisting(partial, digest);
        listener.started(file, have, size);
        for (int attempt = 1; ; attempt++) {
            try {
                have = transfer(repo, file, partial, location, have, size, digest);
                break;
            } catch (Interrupted e) {
                have = Files.exists(partial) ? Files.size(partial) : 0;
                if (attempt == ATTEMPTS) {
                    throw new HubException(HubException.Reason.NETWORK, "the download of " + repo + "/" + file + " broke off " + ATTEMPTS
                            + " times (last after " + have + " of " + size + " bytes: " + e.getMessage() + "); run the pull again to resume it", e);
                }
                listener.retrying(file, have, e.getMessage());
            }
        }
        if (size >= 0 && have != size) {
            throw new HubException(HubException.Reason.NETWORK, repo + "/" + file + ": got " + have + " bytes, the Hub said " + size
                    + "; run the pull again to resume it");
        }
        if (digest != null) {
            String got = HexFormat.of().formatHex(digest.digest());
            if (!got.equalsIgnoreCase(sha256)) {
                Files.deleteIfExists(partial);
                throw new HubException(HubException.Reason.CHECKSUM, repo + "/" + file + ": SHA-256 mismatch (the Hub says " + sha256
                        + ", the download is " + got + "); the file was deleted, run the pull again");
            }
            listener.verified(file, got);
        }
        Files.move(partial, blob, StandardCopyOption.ATOMIC_MOVE);
        listener.finished(file, have, false);
    }

    /** One GET from {@code have} on; returns the bytes now in the partial file. Interrupted if the connection breaks off. */
    private long transfer(String repo, String file, Path partial, URI location, long have, long size, MessageDigest digest) throws IOException {
        HttpResponse<InputStream> r = api.download(location, have, repo, file);
        StallWatch watch = new StallWatch(r.body(), stall);
        try (InputStream in = r.body(); watch) {
            int status = r.statusCode();
            if (status == 416 && have == size) return have; // nothing left to send: the partial file is whole
            if (status == 206) {
                Matcher m = CONTENT_RANGE.matcher(r.headers().firstValue("Content-Range").orElse(""));
                if (!m.matches() || Long.parseLong(m.group(1)) != have) {
                    throw new HubException(HubException.Reason.NETWORK, repo + "/" + file + ": the server resumed at the wrong place ("
                            + r.headers().firstValue("Content-Range").orElse("no Content-Range") + " for byte " + have + ")");
                }
            } else if (status == 200) {
                if (have > 0) { // the server ignored the Range header: start over
                    have = 0;
                    if (digest != null) digest.reset();
                }
            } else {
                throw new HubException(HubException.Reason.NETWORK, repo + "/" + file + ": unexpected HTTP " + status + " from " + r.uri().getHost());
            }
            StandardOpenOption mode = have == 0 ? StandardOpenOption.TRUNCATE_EXISTING : StandardOpenOption.APPEND;
            try (OutputStream out = Files.newOutputStream(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE, mode)) {
                byte[] buffer = new byte[1 << 20];
                long lastReport = 0;
                while (true) {
                    int n;
                    try {
                        n = in.read(buffer);
                    } catch (IOException e) {
                        throw new Interrupted(watch.fired() ? "no data for " + (stall.toMillis() % 1000 == 0 ? stall.toSeconds() + " s" : stall.toMillis() + " ms") : HfCache.describe(e));
                    }
                    watch.saw();
                    if (n < 0) break;
                    out.write(buffer, 0, n);
                    if (digest != null) digest.update(buffer, 0, n);
                    have += n;
                    long now = System.nanoTime();
                    if (now - lastReport > 50_000_000L) {
                        listener.progressed(file, have, size);
                        lastReport = now;
                    }
                }
            }
            listener.progressed(file, have, size);
            if (size >= 0 && have < size) throw new Interrupted("the connection closed early");
            return have;
        }
    }

    private static void hashExisting(Path partial, MessageDigest digest) throws IOException {
        try (InputStream in = Files.newInputStream(partial)) {
            byte[] buffer = new byte[1 << 20];
            for (int n; (n = in.read(buffer)) > 0; ) digest.update(buffer, 0, n);
        } catch (NoSuchFileException e) {
            // gone in between: nothing to hash
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Closes a body that sends nothing for too long, so that its blocked read fails and the download resumes. */
    private static final class StallWatch implements AutoCloseable {
        private final Thread thread;
        private volatile long lastNanos = System.nanoTime();
        private volatile boolean fired;

        StallWatch(InputStream body, Duration stall) {
            thread = Thread.ofVirtual().name("cria-hub-stall-watch").start(() -> {
                try {
                    while (true) {
                        Thread.sleep(Math.max(1, stall.toMillis() / 4));
                        if (System.nanoTime() - lastNanos > stall.toNanos()) {
                            fired = true;
                            body.close();
                            return;
                        }
                    }
                } catch (InterruptedException | IOException e) {
                    // the download ended first, or the body is gone anyway
                }
            });
        }

        void saw() {
            lastNanos = System.nanoTime();
        }

        boolean fired() {
            return fired;
        }

        @Override
        public void close() {
            thread.interrupt();
        }
    }

    /** The connection broke off mid-file: worth resuming. */
    private static final class Interrupted extends IOException {
        Interrupted(String message) {
            super(message);
        }
    }
}
