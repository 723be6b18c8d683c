package dev.cria.hub;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which of a repository's files a {@link ModelRef} means, and which path the engine opens: one GGUF
 * file, or the snapshot folder of a safetensors model. Works on file names only, so the same rules
 * answer for the Hub's listing and for a snapshot already in the cache.
 *
 * @param files the files to pull, relative to the repository root
 * @param entry what the engine opens, relative to the snapshot ("" = the snapshot folder itself)
 */
record FileChoice(List<String> files, String entry) {
    /** The files transformers reads for a Llama model, besides the weights. */
    private static final Set<String> FOLDER_FILES = Set.of("config.json", "generation_config.json", "tokenizer.json",
            "tokenizer_config.json", "special_tokens_map.json", "model.safetensors.index.json");
    /** llama.cpp's gguf-split names: model-00001-of-00003.gguf. */
    private static final Pattern SHARD = Pattern.compile("(.+)-(\\d{5})-of-(\\d{5})\\.safetensors");
    private static final Pattern SPLIT = Pattern.compile("(?i)-(\\d{5})-of-(\\d{5})\\.gguf$");

    static FileChoice choose(ModelRef ref, List<String> names) {
        if (ref.file() != null) {
            if (!names.contains(ref.file())) throw notFound(ref.repo() + " has no file " + ref.file());
            refuseSplit(ref.file());
            return new FileChoice(List.of(ref.file()), ref.file());
        }
        List<String> ggufs = names.stream().filter(n -> n.toLowerCase(Locale.ROOT).endsWith(".gguf")).toList();
        if (ref.quant() != null) {
            String gguf = byQuant(ref, ggufs);
            return new FileChoice(List.of(gguf), gguf);
        }
        if (ggufs.size() == 1) {
            refuseSplit(ggufs.getFirst());
            return new FileChoice(ggufs, ggufs.getFirst());
        }
        if (ggufs.size() > 1) {
            throw new HubException(HubException.Reason.AMBIGUOUS, ref.repo() + " has " + ggufs.size()
                    + " GGUF files; name one as " + ref.repo() + ":QUANT or " + ref.repo() + "/FILE: " + String.join(", ", ggufs));
        }
        return folder(ref, names);
    }

    /** The GGUF whose name holds the tag (case-insensitive); a tag that is a whole word wins (Q4_K picks ...-Q4_K.gguf over ...-Q4_K_M.gguf). */
    private static String byQuant(ModelRef ref, List<String> ggufs) {
        String tag = ref.quant().toLowerCase(Locale.ROOT);
        List<String> holding = ggufs.stream().filter(n -> n.toLowerCase(Locale.ROOT).contains(tag)).toList();
        if (holding.isEmpty()) {
            throw notFound(ref.repo() + " has no GGUF file for " + ref.quant()
                    + (ggufs.isEmpty() ? " (it has no GGUF files)" : "; it has: " + String.join(", ", ggufs)));
        }
        List<String> whole = holding.stream().filter(n -> holdsAsWord(n.toLowerCase(Locale.ROOT), tag)).toList();
        List<String> candidates = whole.isEmpty() ? holding : whole;
        if (candidates.size() > 1 && candidates.stream().allMatch(n -> SPLIT.matcher(n).find())) refuseSplit(candidates.getFirst());
        if (candidates.size() > 1) {
            throw new HubException(HubException.Reason.AMBIGUOUS, ref.repo() + ": " + candidates.size() + " GGUF files match "
                    + ref.quant() + "; name one as " + ref.repo() + "/FILE: " + String.join(", ", candidates));
        }
        refuseSplit(candidates.getFirst());
        return candidates.getFirst();
    }

    private static boolean holdsAsWord(String name, String tag) {
        for (int at = name.indexOf(tag); at >= 0; at = name.indexOf(tag, at + 1)) {
            int end = at + tag.length();
            boolean before = at == 0 || !Character.isLetterOrDigit(name.charAt(at - 1));
            boolean after = end == name.length() || !(Character.isLetterOrDigit(name.charAt(end)) || name.charAt(end) == '_');
            if (before && after) return true;
        }
        return false;
    }

    /** Cria's loader reads one GGUF file; say so before downloading gigabytes it cannot open. */
    private static void refuseSplit(String name) {
        Matcher m = SPLIT.matcher(name);
        if (m.find()) {
            throw new HubException(HubException.Reason.UNSUPPORTED, name + " is part " + Integer.parseInt(m.group(1)) + " of a GGUF split in "
                    + Integer.parseInt(m.group(2)) + " files, and Cria loads single-file GGUFs only: merge the parts with llama.cpp's "
                    + "llama-gguf-split --merge, or pick a smaller quant");
        }
    }

    /** A transformers model: its top-level config, tokenizer and safetensors (not original/ or other formats). */
    private static FileChoice folder(ModelRef ref, List<String> names) {
        List<String> files = new ArrayList<>();
        for (String n : names) {
            if (n.contains("/")) continue;
            if (FOLDER_FILES.contains(n) || n.endsWith(".safetensors")) files.add(n);
        }
        if (!files.contains("config.json") || files.stream().noneMatch(n -> n.endsWith(".safetensors"))) {
            throw notFound(ref.repo() + " has neither a GGUF file nor a safetensors model (config.json and *.safetensors)");
        }
        // Shards are named model-00001-of-00004.safetensors: a set with one missing (a cache another
        // tool filled halfway) is no model.
        for (String n : files) {
            Matcher m = SHARD.matcher(n);
            if (!m.matches()) continue;
            int count = Integer.parseInt(m.group(3));
            for (int i = 1; i <= count; i++) {
                String part = String.format("%s-%05d-of-%s.safetensors", m.group(1), i, m.group(3));
                if (!files.contains(part)) throw notFound(ref.repo() + " lacks " + part);
            }
        }
        return new FileChoice(List.copyOf(files), "");
    }

    private static HubException notFound(String message) {
        return new HubException(HubException.Reason.NOT_FOUND, message);
    }
}
