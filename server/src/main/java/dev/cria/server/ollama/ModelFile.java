package dev.cria.server.ollama;

import dev.cria.engine.ModelInfo;
import dev.cria.server.api.ServedModels;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * What Ollama's model lists say of the served model's file: its size (a GGUF file, or the files of
 * a Hugging Face folder), when it changed, a digest and the {@code details}. The digest identifies
 * the file (SHA-256 of its path, size and modification time), it is not a hash of the content:
 * hashing gigabytes on every {@code /api/tags} would cost seconds.
 *
 * @param modifiedAt RFC 3339, UTC
 */
record ModelFile(long size, String modifiedAt, String digest, OllamaShapes.Details details) {
    static ModelFile of(ModelInfo info, ServedModels served) {
        Path path = path(info.path());
        long size = 0;
        long modified = served.created() * 1000;
        boolean folder = false;
        if (path != null) {
            try {
                folder = Files.isDirectory(path);
                size = folder ? folderSize(path) : Files.size(path);
                modified = Files.getLastModifiedTime(path).toMillis();
            } catch (IOException | SecurityException e) {
                // no file to describe (a synthetic model): size 0, the time the model was loaded
            }
        }
        String modifiedAt = DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(Instant.ofEpochMilli(modified).atOffset(ZoneOffset.UTC));
        OllamaShapes.Details details = new OllamaShapes.Details("", folder ? "safetensors" : "gguf", info.architecture(),
                List.of(info.architecture()), parameterSize(info.parameterCount()), info.weightType());
        return new ModelFile(size, modifiedAt, digest(info.path() + "\n" + size + "\n" + modified), details);
    }

    /** Ollama's way of writing a parameter count: {@code 1.2B}, {@code 3.2B}, {@code 137M}. */
    static String parameterSize(long n) {
        if (n >= 1_000_000_000L) return String.format(Locale.ROOT, "%.1fB", n / 1e9);
        if (n >= 1_000_000L) return String.format(Locale.ROOT, "%.0fM", n / 1e6);
        return Long.toString(n);
    }

    private static Path path(String p) {
        if (p == null || p.isBlank()) return null;
        try {
            return Path.of(p);
        } catch (InvalidPathException e) {
            return null;
        }
    }

    private static long folderSize(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            long total = 0;
            for (Path f : files.filter(Files::isRegularFile).toList()) total += Files.size(f);
            return total;
        }
    }

    private static String digest(String identity) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
