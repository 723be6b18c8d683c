package dev.cria.hub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Hugging Face cache on disk, laid out as huggingface_hub lays it out (file_download.py), so
 * that files pulled here are found by transformers and huggingface_hub and the other way round:
 * <pre>
 * {cacheDir}/models--{org}--{name}/
 *     blobs/{etag}                    the content, named by its sha256 (LFS) or git blob id
 *     blobs/{etag}.incomplete         a download in progress (resumed with a Range request)
 *     refs/{revision}                 the commit hash the branch or tag pointed to (no newline)
 *     snapshots/{commit}/{file}       a relative symlink to ../../blobs/{etag}
 * {cacheDir}/.locks/models--{org}--{name}/{etag}.lock
 * </pre>
 */
final class HfCache {
    private static final String PREFIX = "models--";
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    private final Path root;

    HfCache(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    static boolean isCommitHash(String revision) {
        return COMMIT.matcher(revision).matches();
    }

    /** huggingface_hub's repo_folder_name: "models--" and the id with "/" turned into "--". */
    Path repoDir(String repo) {
        return root.resolve(PREFIX + repo.replace("/", "--"));
    }

    Path blob(String repo, String etag) {
        return repoDir(repo).resolve("blobs").resolve(etag);
    }

    Path incomplete(String repo, String etag) {
        return repoDir(repo).resolve("blobs").resolve(etag + ".incomplete");
    }

    Path lock(String repo, String etag) {
        return root.resolve(".locks").resolve(PREFIX + repo.replace("/", "--")).resolve(etag + ".lock");
    }

    Path snapshot(String repo, String commit) {
        return repoDir(repo).resolve("snapshots").resolve(commit);
    }

    /** The commit a revision names in the cache: itself if it is a commit hash, else what refs/{revision} holds. */
    Optional<String> commitOf(String repo, String revision) {
        if (isCommitHash(revision)) return Optional.of(revision);
        Path ref = repoDir(repo).resolve("refs").resolve(revision);
        try {
            if (!Files.isRegularFile(ref)) return Optional.empty();
            String commit = Files.readString(ref, StandardCharsets.UTF_8).strip();
            return commit.isEmpty() ? Optional.empty() : Optional.of(commit);
        } catch (IOException e) {
            throw disk("cannot read " + ref, e);
        }
    }

    /** Writes refs/{revision} as huggingface_hub does (the hash, no newline); a commit hash needs no ref. */
    void writeRef(String repo, String revision, String commit) {
        if (isCommitHash(revision)) return;
        Path ref = repoDir(repo).resolve("refs").resolve(revision);
        try {
            Files.createDirectories(ref.getParent());
            Path tmp = Files.createTempFile(ref.getParent(), ".ref", ".tmp");
            Files.writeString(tmp, commit, StandardCharsets.UTF_8);
            Files.move(tmp, ref, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw disk("cannot write " + ref, e);
        }
    }

    /** Points snapshots/{commit}/{file} at blobs/{etag} with a relative symlink (the cache folder may move). */
    Path link(String repo, String commit, String file, String etag) {
        Path pointer = snapshot(repo, commit).resolve(file);
        Path blob = blob(repo, etag);
        try {
            Files.createDirectories(pointer.getParent());
            // Made beside it and renamed over it: two pulls linking the same file at once both succeed.
            Path fresh = pointer.resolveSibling("." + pointer.getFileName() + "." + ProcessHandle.current().pid() + "." + Thread.currentThread().threadId() + ".link");
            Files.deleteIfExists(fresh);
            Files.createSymbolicLink(fresh, pointer.getParent().relativize(blob));
            Files.move(fresh, pointer, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return pointer;
        } catch (IOException | UnsupportedOperationException e) {
            throw disk("cannot link " + pointer + " to " + blob, e);
        }
    }

    /** The files of a snapshot, as paths relative to it with "/" (what the Hub's rfilename looks like). */
    List<String> snapshotFiles(String repo, String commit) {
        Path dir = snapshot(repo, commit);
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> !Files.isDirectory(p)).map(p -> dir.relativize(p).toString().replace('\\', '/')).sorted().toList();
        } catch (IOException | UncheckedIOException e) {
            throw disk("cannot list " + dir, e);
        }
    }

    /** The repository ids that have a folder in the cache ("models--a--b" → "a/b"). */
    List<String> repos() {
        List<String> repos = new ArrayList<>();
        if (!Files.isDirectory(root)) return repos;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, PREFIX + "*")) {
            for (Path d : dirs) {
                String name = d.getFileName().toString().substring(PREFIX.length());
                int sep = name.indexOf("--");
                if (sep > 0 && Files.isDirectory(d)) repos.add(name.substring(0, sep) + "/" + name.substring(sep + 2));
            }
        } catch (IOException e) {
            throw disk("cannot list " + root, e);
        }
        repos.sort(String.CASE_INSENSITIVE_ORDER);
        return repos;
    }

    /** The snapshots (commit hashes) a repository has in the cache. */
    List<String> snapshots(String repo) {
        Path dir = repoDir(repo).resolve("snapshots");
        List<String> commits = new ArrayList<>();
        if (!Files.isDirectory(dir)) return commits;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(dir)) {
            for (Path d : dirs) if (Files.isDirectory(d)) commits.add(d.getFileName().toString());
        } catch (IOException e) {
            throw disk("cannot list " + dir, e);
        }
        commits.sort(null);
        return commits;
    }

    static HubException disk(String what, Exception e) {
        return new HubException(HubException.Reason.DISK, what + ": " + describe(e), e);
    }

    /** An I/O exception as words: NoSuchFileException's message is only the path, and a full disk says "No space left on device". */
    static String describe(Exception e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : " " + m);
    }
}
