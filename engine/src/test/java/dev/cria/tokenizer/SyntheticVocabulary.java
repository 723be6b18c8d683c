package dev.cria.tokenizer;

import java.util.ArrayList;
import java.util.List;

/** A minimal byte-level vocabulary (the 256 byte tokens, ids 0..255 in byte order) plus given tokens. */
final class SyntheticVocabulary {
    private final List<String> tokens = new ArrayList<>();
    private final List<Integer> types = new ArrayList<>();
    private final List<String> merges = new ArrayList<>();

    SyntheticVocabulary() {
        for (int b = 0; b < 256; b++) add(String.valueOf(ByteLevel.BYTE_TO_CHAR[b]), Vocabulary.NORMAL);
    }

    int add(String token, int type) {
        tokens.add(token);
        types.add(type);
        return tokens.size() - 1;
    }

    /** Adds the merge "left right" (rank = order of calls) and its result token; returns the result's id. */
    int merge(String left, String right) {
        merges.add(left + " " + right);
        int existing = tokens.indexOf(left + right);
        return existing >= 0 ? existing : add(left + right, Vocabulary.NORMAL);
    }

    Tokenizer tokenizer(boolean ignoreMerges) {
        return new Tokenizer(new Vocabulary(tokens.toArray(String[]::new), types.stream().mapToInt(Integer::intValue).toArray(),
                merges.toArray(String[]::new), -1, new int[0], false, ignoreMerges));
    }

    static int[] bytesOf(String ascii) {
        return ascii.chars().toArray();
    }
}
