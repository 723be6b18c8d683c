package dev.cria.server.metrics;

import dev.cria.engine.EngineStats;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBucket;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The engine's cumulative latency buckets as the client's histogram model. */
class EngineCollectorTest {
    private static List<Long> perBucketCounts(HistogramSnapshot h) {
        List<Long> counts = new ArrayList<>();
        for (ClassicHistogramBucket b : h.getDataPoints().getFirst().getClassicBuckets()) counts.add(b.getCount());
        return counts;
    }

    @Test
    void cumulativeCountsBecomePerBucketCountsWithTheRestInInf() {
        EngineStats.Histogram engine = new EngineStats.Histogram(new double[]{0.1, 1, 10}, new long[]{2, 5, 5}, 3.5, 7);

        HistogramSnapshot h = EngineCollector.histogram("t_seconds", "help", engine);

        assertThat(perBucketCounts(h)).containsExactly(2L, 3L, 0L, 2L);
        assertThat(h.getDataPoints().getFirst().getCount()).isEqualTo(7);
        assertThat(h.getDataPoints().getFirst().getSum()).isEqualTo(3.5);
    }

    @Test
    void aSnapshotTakenMidObservationCountsTheObservationItsBucketHolds() {
        // The last bucket has seen an observation the count has not yet: +Inf holds what the buckets hold.
        EngineStats.Histogram torn = new EngineStats.Histogram(new double[]{0.1, 1}, new long[]{1, 3}, 1.2, 2);

        HistogramSnapshot h = EngineCollector.histogram("t_seconds", "help", torn);

        assertThat(perBucketCounts(h)).containsExactly(1L, 2L, 0L);
        assertThat(h.getDataPoints().getFirst().getCount()).isEqualTo(3);
    }
}
