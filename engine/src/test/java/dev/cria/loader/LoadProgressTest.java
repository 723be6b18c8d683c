package dev.cria.loader;

import dev.cria.engine.Engine;
import dev.cria.engine.EngineOptions;
import dev.cria.kernels.Q4_0Interleaved;
import dev.cria.model.LlamaWeights;
import dev.cria.tensor.GgmlType;
import dev.cria.tensor.WeightMatrix;
import dev.cria.util.ModelFormatException;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a load tells its {@link LoadProgress}: per phase, bytes from 0 up to the total, never back. */
class LoadProgressTest {
    private static final Path MODELS = Golden.DATA.resolve("models");
    private static final EngineOptions OPTIONS = new EngineOptions(64, 1, 1, 1);

    record Event(LoadPhase phase, long done, long total) {
    }

    /** Every event, and checks on each that the phase is the current or a later one and its bytes only grow. */
    static final class Recorder implements LoadProgress {
        final List<Event> events = new ArrayList<>();

        @Override
        public void progressed(LoadPhase phase, long done, long total) {
            if (!events.isEmpty()) {
                Event last = events.getLast();
                assertThat(phase.ordinal()).as("phase order").isGreaterThanOrEqualTo(last.phase().ordinal());
                if (phase == last.phase()) {
                    assertThat(done).as(phase + " done").isGreaterThanOrEqualTo(last.done());
                    assertThat(total).as(phase + " total").isEqualTo(last.total());
                } else {
                    assertThat(last.done()).as(last.phase() + " finished at its total").isEqualTo(last.total());
                }
            }
            if (events.isEmpty() || events.getLast().phase() != phase) assertThat(done).as(phase + " starts at 0").isZero();
            assertThat(done).isBetween(0L, total);
            events.add(new Event(phase, done, total));
        }

        List<LoadPhase> phases() {
            return events.stream().map(Event::phase).distinct().toList();
        }

        long total(LoadPhase phase) {
            return events.stream().filter(e -> e.phase() == phase).findFirst().orElseThrow().total();
        }

        Event last() {
            return events.getLast();
        }
    }

    private static Recorder opening(Path model) throws Exception {
        Recorder r = new Recorder();
        try (Engine e = ModelLoader.openEngine(model, OPTIONS, r)) {
            assertThat(r.last().done()).isEqualTo(r.last().total());
        }
        return r;
    }

    @Test
    void aQ8_0GgufMapsChecksTheEmbeddingAndReadsItsTokenizerWithoutCountingBytes() throws Exception {
        Path model = MODELS.resolve("tiny-llama3-Q8_0.gguf");
        Recorder r = opening(model);

        assertThat(r.phases()).containsExactly(LoadPhase.MAPPING, LoadPhase.CHECKING, LoadPhase.TOKENIZER);
        assertThat(r.total(LoadPhase.MAPPING)).isEqualTo(Files.size(model));
        assertThat(r.total(LoadPhase.CHECKING)).isPositive();
        assertThat(r.total(LoadPhase.TOKENIZER)).isZero();
    }

    @Test
    void anF16GgufReportsTheSamePhases() throws Exception {
        Recorder r = opening(MODELS.resolve("tiny-llama3-F16.gguf"));

        assertThat(r.phases()).containsExactly(LoadPhase.MAPPING, LoadPhase.CHECKING, LoadPhase.TOKENIZER);
        assertThat(r.total(LoadPhase.CHECKING)).isPositive();
    }

    @Test
    void anInterleavedGgufReportsEveryInterleavedMatrixUpToTheirBytes() throws Exception {
        Path model = MODELS.resolve("tiny-llama3-Q4_0.gguf");
        Set<WeightMatrix> q4_0 = Collections.newSetFromMap(new IdentityHashMap<>());
        try (ModelLoader.Weights file = ModelLoader.loadGgufWeights(model, false, LoadProgress.NONE)) {
            LlamaWeights w = file.weights();
            Stream.concat(Stream.of(w.tokenEmbedding(), w.output()), w.layers().stream().flatMap(l -> Stream.of(
                    l.wq(), l.wk(), l.wv(), l.wo(), l.wGate(), l.wUp(), l.wDown())))
                    .filter(m -> m.type() == GgmlType.Q4_0 && Q4_0Interleaved.supports(m.rows(), m.cols())).forEach(q4_0::add);
        }
        assertThat(q4_0).isNotEmpty();
        Recorder r = new Recorder();
        try (ModelLoader.Weights packed = ModelLoader.loadGgufWeights(model, true, r)) {
            assertThat(r.phases()).containsExactly(LoadPhase.MAPPING, LoadPhase.CHECKING, LoadPhase.INTERLEAVING);
            assertThat(r.total(LoadPhase.INTERLEAVING)).isEqualTo(q4_0.stream().mapToLong(WeightMatrix::byteSize).sum());
            assertThat(r.last()).isEqualTo(new Event(LoadPhase.INTERLEAVING, r.total(LoadPhase.INTERLEAVING), r.total(LoadPhase.INTERLEAVING)));
            // the start, then a report per 4096 rows of each matrix (a 1B embedding's 128256 rows: 32)
            long chunks = q4_0.stream().mapToLong(m -> (m.rows() + 4095) / 4096).sum();
            assertThat(r.events.stream().filter(e -> e.phase() == LoadPhase.INTERLEAVING)).hasSize(1 + (int) chunks);
        }
    }

    @Test
    void aHuggingFaceFolderCountsItsSafetensorsAndItsTokenizerJson() throws Exception {
        Path folder = MODELS.resolve("tiny-llama3");
        Recorder r = opening(folder);

        assertThat(r.phases()).containsExactly(LoadPhase.MAPPING, LoadPhase.CHECKING, LoadPhase.TOKENIZER);
        assertThat(r.total(LoadPhase.MAPPING)).isEqualTo(Files.size(folder.resolve("model.safetensors")));
        assertThat(r.total(LoadPhase.TOKENIZER)).isEqualTo(Files.size(folder.resolve("tokenizer.json")));
    }

    @Test
    void aTensorLargerThanAChunkIsCheckedAndReportedInChunksWithIndexesFromItsStart() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment f32 = arena.allocate(2 * PhaseReport.CHUNK_BYTES + 8);
            Recorder r = new Recorder();
            PhaseReport checking = PhaseReport.start(r, LoadPhase.CHECKING, f32.byteSize());
            FiniteWeights.require("m.gguf", "t", GgmlType.F32, f32, checking);
            assertThat(r.events).extracting(Event::done).containsExactly(0L, PhaseReport.CHUNK_BYTES, 2 * PhaseReport.CHUNK_BYTES, f32.byteSize());

            f32.set(ValueLayout.JAVA_FLOAT_UNALIGNED, PhaseReport.CHUNK_BYTES + 4, Float.NaN);
            assertThatThrownBy(() -> FiniteWeights.require("m.gguf", "t", GgmlType.F32, f32, PhaseReport.start(r, LoadPhase.INTERLEAVING, 0)))
                    .isInstanceOf(ModelFormatException.class).hasMessageContaining("value " + (PhaseReport.CHUNK_BYTES / 4 + 1) + " is NaN");
        }
    }

    @Test
    void withNobodyListeningATensorIsCheckedInOnePassAllocatingNoMoreThanTheCheckWithoutReports() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment q8 = arena.allocate(GgmlType.Q8_0.blockBytes * 4096L);
            PhaseReport none = PhaseReport.start(LoadProgress.NONE, LoadPhase.CHECKING, 4 * q8.byteSize());
            assertThat(none.chunkBytes(GgmlType.Q8_0.blockBytes)).isEqualTo(Long.MAX_VALUE);
            Runnable unreported = () -> FiniteWeights.require("m.gguf", "t", GgmlType.Q8_0, q8);
            Runnable reported = () -> FiniteWeights.require("m.gguf", "t", GgmlType.Q8_0, q8, none);
            for (int warm = 0; warm < 20_000; warm++) {
                unreported.run();
                reported.run();
            }

            assertThat(allocatedBy(reported)).isEqualTo(allocatedBy(unreported));
        }
    }

    private static long allocatedBy(Runnable tensorCheck) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int tensor = 0; tensor < 4; tensor++) tensorCheck.run();
        return threads.getCurrentThreadAllocatedBytes() - before;
    }
}
