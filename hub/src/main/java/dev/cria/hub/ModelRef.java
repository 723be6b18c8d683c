package dev.cria.hub;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A model on the Hub as the user names it: {@code org/name} (the one GGUF, or the safetensors
 * folder), {@code org/name:QUANT} (the GGUF whose name holds QUANT), {@code org/name/path/file}
 * (exactly that file), each at a revision (default {@code main}).
 *
 * @param repo     the repository id, {@code org/name}
 * @param quant    a quantization tag such as {@code Q4_K_M}, or null
 * @param file     a file path inside the repository, or null
 * @param revision a branch, tag or commit hash
 */
public record ModelRef(String repo, String quant, String file, String revision) {
    /** The Hub's repository id rule: letters, digits, '-', '_', '.'; not starting with '-' or '.' (96 characters at most). */
    private static final String PART = "[A-Za-z0-9_][A-Za-z0-9._-]{0,95}";
    private static final Pattern FORM = Pattern.compile("(" + PART + "/" + PART + ")(?::([A-Za-z0-9._-]+)|/(.+))?");

    public ModelRef {
        if (revision == null || revision.isBlank()) revision = "main";
    }

    /** Parses {@code org/name}, {@code org/name:QUANT} or {@code org/name/FILE}; IllegalArgumentException otherwise. */
    public static ModelRef parse(String spec, String revision) {
        Matcher m = FORM.matcher(spec);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + spec + "' is not a Hub model: expected org/name, org/name:QUANT or org/name/FILE");
        }
        String file = m.group(3);
        if (file != null && !isSafeFilePath(file)) {
            throw new IllegalArgumentException("'" + spec + "': bad file path '" + file + "' in the repository");
        }
        if (m.group(1).contains("--") || m.group(1).contains("..")) {
            throw new IllegalArgumentException("'" + spec + "': a repository id has no '--' or '..'");
        }
        return new ModelRef(m.group(1), m.group(2), file, revision);
    }

    /** A relative path that stays inside the folder it is resolved against: no empty, "." or ".." segment, no backslash. */
    static boolean isSafeFilePath(String file) {
        if (file.isEmpty() || file.contains("\\") || file.indexOf('\0') >= 0) return false;
        for (String segment : file.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) return false;
        }
        return true;
    }

    /** Whether text has the shape of a Hub model (so a command may treat a missing local path as one). */
    public static boolean looksLikeHubModel(String spec) {
        return !spec.startsWith("/") && !spec.startsWith("./") && !spec.startsWith("../") && !spec.startsWith("~")
                && FORM.matcher(spec).matches();
    }

    /** The name as the user wrote it: {@code org/name}, {@code org/name:QUANT} or {@code org/name/FILE}. */
    @Override
    public String toString() {
        return repo + (quant != null ? ":" + quant : "") + (file != null ? "/" + file : "")
                + (revision.equals("main") ? "" : " (revision " + revision + ")");
    }
}
