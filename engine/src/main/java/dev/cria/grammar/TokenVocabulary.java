package dev.cria.grammar;

/**
 * What the grammar engine needs of a model's vocabulary, as plain data: each token's bytes, which
 * ids are special (never produced by a grammar's text) and which ids end a generation (allowed
 * exactly when the grammar is complete).
 *
 * @param tokenBytes the bytes each ordinary token stands for (byte-decoded), indexed by id
 * @param special    true for control tokens ({@code <|eot_id|>}, {@code <|python_tag|>}, ...)
 * @param endIds     end-of-generation ids ({@code <|eot_id|>}, {@code <|eom_id|>}, {@code <|end_of_text|>})
 */
public record TokenVocabulary(byte[][] tokenBytes, boolean[] special, int[] endIds) {
    public TokenVocabulary {
        if (tokenBytes.length != special.length) {
            throw new IllegalArgumentException("tokenBytes and special differ in length");
        }
    }

    public int size() {
        return tokenBytes.length;
    }
}
