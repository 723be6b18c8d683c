package dev.cria.chat;

/**
 * What the chat template needs from a tokenizer to turn {@link Segment}s into ids. The lead adapts
 * {@code dev.cria.tokenizer.Tokenizer} to it ({@code encodePlain(t) = encode(t, false)}).
 */
public interface TemplateTokens {

    /** Encodes text with special-token text treated as ordinary characters; no BOS is added. */
    int[] encodePlain(String text);

    /** The id of a special token given by its text, e.g. {@code "<|eot_id|>"}; throws if unknown. */
    int specialId(String token);
}
