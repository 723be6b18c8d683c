package dev.cria.server.usage;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Token buckets per key: a burst up to the limit, then the limit's rate; resets written as OpenAI writes them. */
class RateLimiterTest {
    private final AtomicLong now = new AtomicLong();
    private final KeyIds ids = new KeyIds(KeyIds.newSecret());

    @Test
    void aKeyMayBurstToItsLimitThenWaitsForTheBucketToRefill() {
        RateLimiter l = new RateLimiter(new KeyLimits(new KeyLimits.Limit(3L, null), Map.of()), now::get);
        RateLimiter.Bucket b = l.of("key_a").requests();

        assertThat(b.tryTake(1)).isZero();
        assertThat(b.tryTake(1)).isZero();
        assertThat(b.tryTake(1)).isZero();
        assertThat(b.tryTake(1)).isEqualTo(20_000_000_000L); // 3 per minute: one more in 20 s
        now.addAndGet(20_000_000_000L);
        assertThat(b.tryTake(1)).isZero();
    }

    @Test
    void resetIsTheTimeUntilTheBucketIsFullAgain() {
        RateLimiter l = new RateLimiter(new KeyLimits(new KeyLimits.Limit(60L, 1000L), Map.of()), now::get);
        RateLimiter.KeyBuckets k = l.of("key_a");
        k.requests().tryTake(1);
        k.tokens().tryTake(100);

        assertThat(k.requests().state()).isEqualTo(new RateLimiter.State(60, 59, 1_000_000_000L));
        assertThat(k.tokens().state()).isEqualTo(new RateLimiter.State(1000, 900, 6_000_000_000L));
        assertThat(RateLimiter.goDuration(k.requests().state().resetNanos())).isEqualTo("1s");
        assertThat(RateLimiter.goDuration(k.tokens().state().resetNanos())).isEqualTo("6s");
    }

    @Test
    void settlingGivesBackWhatAReservationDidNotUse() {
        RateLimiter l = new RateLimiter(new KeyLimits(new KeyLimits.Limit(null, 1000L), Map.of()), now::get);
        RateLimiter.Bucket t = l.of("key_a").tokens();
        t.tryTake(600);
        t.adjust(600 - 250);

        assertThat(t.state().remaining()).isEqualTo(750);
    }

    @Test
    void moreThanTheLimitCanNeverBeTaken() {
        RateLimiter l = new RateLimiter(new KeyLimits(new KeyLimits.Limit(null, 100L), Map.of()), now::get);

        assertThat(l.of("key_a").tokens().tryTake(101)).isEqualTo(-1);
    }

    @Test
    void durationsAreWrittenLikeOpenAisResetHeaders() {
        assertThat(RateLimiter.goDuration(0)).isEqualTo("0s");
        assertThat(RateLimiter.goDuration(17_000_000)).isEqualTo("17ms");
        assertThat(RateLimiter.goDuration(16_500_000)).isEqualTo("17ms");
        assertThat(RateLimiter.goDuration(1_000_000_000)).isEqualTo("1s");
        assertThat(RateLimiter.goDuration(1_500_000_000)).isEqualTo("1.5s");
        assertThat(RateLimiter.goDuration(360_000_000_000L)).isEqualTo("6m0s");
        assertThat(RateLimiter.goDuration(3_723_000_000_000L)).isEqualTo("1h2m3s");
    }

    @Test
    void keysWithoutAnEntryGetTheDefaultAndAnEntryOverridesIt() {
        KeyLimits limits = new KeyLimits(new KeyLimits.Limit(10L, 100L), Map.of(ids.of("vip"), new KeyLimits.Limit(1000L, null)));
        RateLimiter l = new RateLimiter(limits, now::get);

        assertThat(l.of(ids.of("someone")).requests().state().limit()).isEqualTo(10);
        assertThat(l.of(ids.of("vip")).requests().state().limit()).isEqualTo(1000);
        assertThat(l.of(ids.of("vip")).tokens()).isNull();
    }

    @Test
    void withoutADefaultUnlistedKeysAreNotLimited() {
        RateLimiter l = new RateLimiter(new KeyLimits(KeyLimits.Limit.NONE, Map.of("key_000000000000000000000000",
                new KeyLimits.Limit(1L, null))), now::get);

        assertThat(l.of("key_111111111111111111111111")).isNull();
    }
}
