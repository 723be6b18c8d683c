package dev.cria.sampling;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LogprobsTest {
    private static float[] randomLogits(int vocab, long seed) {
        Random random = new Random(seed);
        float[] logits = new float[vocab];
        for (int i = 0; i < vocab; i++) {
            logits[i] = (float) (random.nextGaussian() * 4);
        }
        return logits;
    }

    @Test
    void probabilitiesOverTheVocabularySumToOne() {
        int vocab = 128256;
        Logprobs logprobs = new Logprobs(vocab).compute(randomLogits(vocab, 1), 0);

        double total = 0;
        for (int id = 0; id < vocab; id++) {
            total += Math.exp(logprobs.logprob(id));
        }

        assertThat(total).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void logprobIsTheLogSoftmaxOfTheRawLogits() {
        float[] logits = {0f, (float) Math.log(3)};
        Logprobs logprobs = new Logprobs(2).compute(logits, 0);

        assertThat(logprobs.logprob(0)).isCloseTo(Math.log(0.25), within(1e-7));
        assertThat(logprobs.logprob(1)).isCloseTo(Math.log(0.75), within(1e-7));
    }

    @Test
    void topListsTheMostLikelyTokensBestFirstWithTiesByLowerId() {
        float[] logits = {1f, 3f, 2f, 3f, -1f, 2f, 0f};
        Logprobs logprobs = new Logprobs(7).compute(logits, 0);

        List<Logprobs.Alternative> top = logprobs.top(4);

        assertThat(top).extracting(Logprobs.Alternative::tokenId).containsExactly(1, 3, 2, 5);
        assertThat(top).extracting(Logprobs.Alternative::logprob)
                .containsExactly(logprobs.logprob(1), logprobs.logprob(3), logprobs.logprob(2), logprobs.logprob(5));
    }

    @Test
    void topOnALargeVocabularyIsSortedAndMatchesEveryOtherToken() {
        int vocab = 128256;
        Logprobs logprobs = new Logprobs(vocab).compute(randomLogits(vocab, 2), 0);

        List<Logprobs.Alternative> top = logprobs.top(20);

        assertThat(top).hasSize(20);
        for (int i = 1; i < top.size(); i++) {
            assertThat(top.get(i).logprob()).isLessThanOrEqualTo(top.get(i - 1).logprob());
        }
        double twentieth = top.get(19).logprob();
        long better = 0;
        for (int id = 0; id < vocab; id++) {
            if (logprobs.logprob(id) > twentieth) {
                better++;
            }
        }
        assertThat(better).isLessThanOrEqualTo(19);
    }

    @Test
    void readsTheVocabularyAtTheGivenOffset() {
        float[] batch = {9f, 9f, 0f, (float) Math.log(3)};
        Logprobs logprobs = new Logprobs(2).compute(batch, 2);

        assertThat(logprobs.logprob(1)).isCloseTo(Math.log(0.75), within(1e-7));
    }

    @Test
    void topOfZeroIsEmpty() {
        Logprobs logprobs = new Logprobs(3).compute(new float[]{1f, 2f, 3f}, 0);

        assertThat(logprobs.top(0)).isEmpty();
    }
}
