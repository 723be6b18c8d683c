package dev.cria.bench;

import dev.cria.loader.ModelLoader;
import dev.cria.tokenizer.Tokenizer;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Llama 3 tokenizer encode speed on English prose, one thread. The {@code encode:bytes} line is
 * UTF-8 bytes encoded per second (divide by 1e6 for MB/s); linear cost shows as the same bytes/s
 * (and a tenth of the ops/s) for 1 MB as for 100 KB.
 * The prose is generated, no download: words of a fixed list in a fixed-seed random order, with
 * sentence capitals, commas, numbers, contractions and paragraph breaks.
 * Run: {@code bin/jmh Tokenizer -f 1 -wi 2 -i 3 -w 2s -r 2s}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TokenizerBenchmark {
    private static final String[] WORDS = ("""
            the of and to in a is that for it as was with be by on not he I this are or his from at which but have
            an had they you were their one all we can her has there been if more when will would who so no she other
            its may these what them than some him time into only do could new about two most over first any after
            also made our well years people many between must such state through those under where while
            llama alpaca herd wool mountain valley river village market morning evening winter summer shepherd
            language model token sentence paragraph meaning number question answer reason history science
            carefully quietly although however because therefore nevertheless whenever throughout everything
            remarkable beautiful difficult important different possible available necessary interesting
            understanding government development information experience community relationship environment
            don't can't it's they're we've I'll she'd""").trim().split("\\s+");

    @Param({"100000", "1000000"})
    public int bytes;

    private Tokenizer tokenizer;
    private String text;
    private int textBytes;

    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Throughput {
        /** UTF-8 bytes encoded; JMH reports it per second. */
        public long bytes;
    }

    @Setup(Level.Trial)
    public void setup() {
        Path testdata = Path.of(System.getProperty("cria.testdata", "testdata"));
        tokenizer = ModelLoader.loadTokenizer(testdata.resolve("models/tiny-llama3-F16.gguf"));
        text = prose(bytes, 20250101L);
        textBytes = text.getBytes(StandardCharsets.UTF_8).length;
    }

    static String prose(int targetBytes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder sb = new StringBuilder(targetBytes + 64);
        boolean sentenceStart = true;
        int inSentence = 0;
        while (sb.length() < targetBytes) {
            String w = WORDS[r.nextInt(WORDS.length)];
            if (r.nextInt(40) == 0) w = Integer.toString(r.nextInt(1, 20000));
            if (sentenceStart) w = Character.toUpperCase(w.charAt(0)) + w.substring(1);
            sb.append(w);
            inSentence++;
            sentenceStart = false;
            if (inSentence > 6 && r.nextInt(8) == 0) {
                sb.append(r.nextInt(6) == 0 ? "?" : ".");
                sentenceStart = true;
                inSentence = 0;
                sb.append(r.nextInt(7) == 0 ? "\n\n" : " ");
            } else {
                if (r.nextInt(12) == 0) sb.append(',');
                sb.append(' ');
            }
        }
        return sb.substring(0, targetBytes); // all ASCII: chars == bytes
    }

    @Benchmark
    public int[] encode(Throughput t) {
        int[] ids = tokenizer.encode(text, false);
        t.bytes += textBytes;
        return ids;
    }
}
