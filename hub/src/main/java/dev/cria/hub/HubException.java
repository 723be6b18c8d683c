package dev.cria.hub;

/**
 * A pull that cannot go on, as one line a person can act on (the CLI prints it and exits 1), and
 * the reason as a value a program can branch on (a Kubernetes init step retries {@code NETWORK},
 * not {@code GATED}).
 */
public final class HubException extends RuntimeException {
    /** Why the pull failed. */
    public enum Reason {
        /** No such repository, revision, file or quant. */
        NOT_FOUND,
        /** Several files fit and none can be chosen for the user. */
        AMBIGUOUS,
        /** The repository is gated: no token, or the token's account has no access. */
        GATED,
        /** The Hub refused the token, or asks for one (private repository). */
        UNAUTHORIZED,
        /** HF_HUB_OFFLINE is set and the model is not in the cache. */
        OFFLINE,
        /** A downloaded file's SHA-256 differs from the one the Hub reports (the file was deleted). */
        CHECKSUM,
        /** The Hub or its CDN could not be reached, or broke off, or answered an unexpected status. */
        NETWORK,
        /** The cache folder cannot be read or written (disk full, permissions). */
        DISK,
        /** The files exist but Cria cannot load them (a split GGUF). */
        UNSUPPORTED
    }

    private final Reason reason;

    public HubException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public HubException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
