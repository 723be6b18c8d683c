package dev.cria.grammar.json;

import dev.cria.grammar.Grammar;
import dev.cria.grammar.GrammarState;
import dev.cria.grammar.TokenGrammar;
import dev.cria.grammar.TokenVocabulary;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Random texts of a grammar, as a model sampling at random under it would write them: a vocabulary
 * of the 256 single bytes plus an end token, and each step one allowed token drawn uniformly (the
 * end token, once allowed, with probability {@code endBias}), except that a byte that closes
 * something ({@code " , ] } :}) is drawn a quarter of the time when one is allowed, so strings and
 * arrays end after a few characters rather than hundreds. Stands in for the engine to test that
 * whatever a constrained model writes validates.
 */
final class GrammarSampler {
    private static final int END = 256;
    private static final String CLOSERS = "\",]}:";
    private static final TokenVocabulary BYTES;

    static {
        byte[][] tokens = new byte[257][];
        for (int b = 0; b < 256; b++) tokens[b] = new byte[]{(byte) b};
        tokens[END] = new byte[0];
        boolean[] special = new boolean[257];
        special[END] = true;
        BYTES = new TokenVocabulary(tokens, special, new int[]{END});
    }

    private final TokenGrammar grammar;
    private final SplittableRandom random;

    GrammarSampler(Grammar grammar, long seed) {
        this.grammar = TokenGrammar.compile(grammar, BYTES);
        this.random = new SplittableRandom(seed);
    }

    /** One text of at most {@code maxBytes}, or null when the walk ran longer. */
    String sample(int maxBytes, double endBias) {
        GrammarState state = grammar.start();
        long[] mask = new long[(BYTES.size() + 63) / 64];
        int[] allowed = new int[BYTES.size()];
        int[] closing = new int[CLOSERS.length()];
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (out.size() <= maxBytes) {
            if (state.isComplete() && (state.mustEnd() || random.nextDouble() < endBias)) {
                return out.toString(StandardCharsets.UTF_8);
            }
            state.allowedTokens(mask);
            int n = 0;
            int closers = 0;
            for (int t = 0; t < 256; t++) {
                if ((mask[t >>> 6] & (1L << t)) == 0) continue;
                allowed[n++] = t;
                if (CLOSERS.indexOf(t) >= 0) closing[closers++] = t;
            }
            if (n == 0) throw new AssertionError("stuck after " + out.toString(StandardCharsets.UTF_8));
            int token = closers > 0 && random.nextDouble() < 0.25 ? closing[random.nextInt(closers)] : allowed[random.nextInt(n)];
            state.accept(token);
            out.write(token);
        }
        return null;
    }
}
