package dev.cria.hub;

/**
 * What a pull reports while it runs (the CLI draws a progress bar from it). Called on the pulling
 * thread; every method has a do-nothing default.
 */
public interface DownloadListener {
    DownloadListener NONE = new DownloadListener() {};

    /** A file's download starts, {@code have} bytes of {@code size} already there from an interrupted one. */
    default void started(String file, long have, long size) {}

    /** {@code have} of {@code size} bytes of {@code file} are on disk. */
    default void progressed(String file, long have, long size) {}

    /** The connection broke off after {@code have} bytes; the download goes on from there. */
    default void retrying(String file, long have, String why) {}

    /** The file's bytes have the SHA-256 the Hub lists for it (LFS files; called before {@link #finished}). */
    default void verified(String file, String sha256) {}

    /** The file is complete and checked ({@code cached}: it was in the cache already, nothing was downloaded). */
    default void finished(String file, long size, boolean cached) {}

    /** The Hub could not be reached; the cached copy is used. */
    default void warning(String message) {}
}
