package dev.cria.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Stop strings: the output is the text cut at the leftmost stop string, whatever the split into
 * deltas, and text is released as soon as it can no longer become part of a stop string.
 */
class StopMatcherTest {

    /** Feeds the pieces, returns everything emitted including the final flush. */
    private static String run(List<String> stops, List<String> pieces) {
        StopMatcher m = new StopMatcher(stops);
        StringBuilder out = new StringBuilder();
        for (String p : pieces) out.append(m.accept(p));
        out.append(m.flush());
        return out.toString();
    }

    private static List<String> chars(String s) {
        List<String> out = new ArrayList<>();
        s.codePoints().forEach(cp -> out.add(Character.toString(cp)));
        return out;
    }

    /** The specification, computed on the whole text. */
    private static String expectedOutput(List<String> stops, String text) {
        int cut = leftmostMatch(stops, text);
        return cut < 0 ? text : text.substring(0, cut);
    }

    private static int leftmostMatch(List<String> stops, String text) {
        int cut = -1;
        for (String s : stops) {
            if (s.isEmpty()) continue;
            int i = text.indexOf(s);
            if (i >= 0 && (cut < 0 || i < cut)) cut = i;
        }
        return cut;
    }

    /** Length of text that can be emitted after seeing {@code text}: up to the first possible stop start. */
    private static int expectedEmittable(List<String> stops, String text) {
        int cut = leftmostMatch(stops, text);
        int limit = cut < 0 ? text.length() : cut;
        for (int i = 0; i < limit; i++) {
            String tail = text.substring(i);
            for (String s : stops) if (!s.isEmpty() && s.startsWith(tail)) return i;
        }
        return limit;
    }

    /** Stopped is certain when a match exists and no earlier start can still become one. */
    private static boolean expectedStopped(List<String> stops, String text) {
        int cut = leftmostMatch(stops, text);
        return cut >= 0 && expectedEmittable(stops, text) == cut;
    }

    @Test
    void cutsBeforeTheStopStringAndDropsEverythingAfter() {
        StopMatcher m = new StopMatcher(List.of("END"));
        assertThat(m.accept("Hello END world")).isEqualTo("Hello ");
        assertThat(m.stopped()).isTrue();
        assertThat(m.accept("more")).isEmpty();
        assertThat(m.flush()).isEmpty();
    }

    @Test
    void holdsBackATailThatCouldBecomeAStopStringAndReleasesItWhenItCannot() {
        StopMatcher m = new StopMatcher(List.of("</answer>"));
        assertThat(m.accept("x </ans")).isEqualTo("x ");
        assertThat(m.accept("wer")).isEmpty();
        assertThat(m.accept("s")).isEqualTo("</answers");
        assertThat(m.stopped()).isFalse();
    }

    @Test
    void flushReleasesHeldTextWhenGenerationEndsOtherwise() {
        StopMatcher m = new StopMatcher(List.of("STOP"));
        assertThat(m.accept("abc ST")).isEqualTo("abc ");
        assertThat(m.flush()).isEqualTo("ST");
        assertThat(m.stopped()).isFalse();
        assertThatThrownBy(() -> m.accept("x")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void stopStringSplitOneCharacterAtATime() {
        assertThat(run(List.of("###"), chars("one two ### three"))).isEqualTo("one two ");
    }

    @Test
    void leftmostStartWinsOverEarlierEnd() {
        // "bc" completes first, but "abcd" starts earlier: the cut is before "abcd"
        StopMatcher m = new StopMatcher(List.of("bc", "abcd"));
        assertThat(m.accept("xab")).isEqualTo("x");
        assertThat(m.accept("c")).isEmpty();
        assertThat(m.stopped()).isFalse(); // "abcd" may still complete
        assertThat(m.accept("d tail")).isEmpty();
        assertThat(m.stopped()).isTrue();
    }

    @Test
    void earlierEndIsTakenWhenTheLongerStopDoesNotComplete() {
        StopMatcher m = new StopMatcher(List.of("bc", "abcd"));
        assertThat(m.accept("xabc")).isEqualTo("x");
        assertThat(m.accept("e")).isEqualTo("a");
        assertThat(m.stopped()).isTrue();
    }

    @Test
    void completeMatchWaitingOnALongerOneIsCutAtFlush() {
        StopMatcher m = new StopMatcher(List.of("bc", "abcd"));
        assertThat(m.accept("xabc")).isEqualTo("x");
        assertThat(m.flush()).isEqualTo("a");
        assertThat(m.stopped()).isTrue();
    }

    @Test
    void overlappingStopStrings() {
        assertThat(run(List.of("ab", "bc"), List.of("xb", "c", "ab"))).isEqualTo("x");
        assertThat(run(List.of("ab", "bc"), chars("zzabc"))).isEqualTo("zz");
    }

    @Test
    void aStopStringThatIsAPrefixOfAnotherStopsAtOnce() {
        StopMatcher m = new StopMatcher(List.of("<|end", "<|endoftext|>"));
        assertThat(m.accept("hi <|en")).isEqualTo("hi ");
        assertThat(m.accept("d")).isEmpty();
        assertThat(m.stopped()).isTrue();
    }

    @Test
    void noStopStringsPassEverythingThroughImmediately() {
        for (List<String> none : List.of(List.<String>of(), List.of(""))) {
            StopMatcher m = new StopMatcher(none);
            assertThat(m.accept("abc")).isEqualTo("abc");
            assertThat(m.flush()).isEmpty();
            assertThat(m.stopped()).isFalse();
        }
        assertThat(new StopMatcher(null).accept("x")).isEqualTo("x");
    }

    @Test
    void unicodeStopStringsAcrossSurrogatePairs() {
        assertThat(run(List.of("🦙!"), chars("Olá 🦙🦙! após"))).isEqualTo("Olá 🦙");
        StopMatcher m = new StopMatcher(List.of("日本語"));
        assertThat(m.accept("私は日本")).isEqualTo("私は");
        assertThat(m.accept("人")).isEqualTo("日本人");
    }

    @Test
    void heldBackTextStaysBoundedOnLongOutputs() {
        StopMatcher m = new StopMatcher(List.of("aaab"));
        long emitted = 0;
        for (int i = 0; i < 200_000; i++) {
            emitted += m.accept("a").length();
            assertThat(emitted).isEqualTo(Math.max(0, i + 1 - 3));
        }
        assertThat(m.accept("b")).isEmpty();
        assertThat(m.stopped()).isTrue();
    }

    @Test
    void sameResultForEverySplitOfRandomTexts() {
        Random r = new Random(20240926);
        String alphabet = "abcé🦙";
        List<String> symbols = chars(alphabet);
        for (int trial = 0; trial < 3000; trial++) {
            List<String> stops = new ArrayList<>();
            int nStops = r.nextInt(4);
            for (int s = 0; s < nStops; s++) stops.add(randomText(r, symbols, 1 + r.nextInt(4)));
            String text = randomText(r, symbols, r.nextInt(30));

            // random split into deltas at code point boundaries
            List<String> cps = chars(text);
            List<String> pieces = new ArrayList<>();
            StringBuilder cur = new StringBuilder();
            for (String cp : cps) {
                cur.append(cp);
                if (r.nextInt(3) == 0) { pieces.add(cur.toString()); cur.setLength(0); }
            }
            if (!cur.isEmpty()) pieces.add(cur.toString());

            StopMatcher m = new StopMatcher(stops);
            StringBuilder seen = new StringBuilder();
            StringBuilder out = new StringBuilder();
            for (String p : pieces) {
                boolean wasStopped = m.stopped();
                out.append(m.accept(p));
                if (wasStopped) continue;
                seen.append(p);
                String context = "stops=" + stops + " seen=" + seen;
                assertThat(m.stopped()).as(context).isEqualTo(expectedStopped(stops, seen.toString()));
                assertThat(out.length()).as(context).isEqualTo(expectedEmittable(stops, seen.toString()));
            }
            out.append(m.flush());
            assertThat(out.toString()).as("stops=" + stops + " text=" + text).isEqualTo(expectedOutput(stops, text));
            assertThat(m.stopped()).isEqualTo(leftmostMatch(stops, text) >= 0);
        }
    }

    private static String randomText(Random r, List<String> symbols, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) b.append(symbols.get(r.nextInt(symbols.size())));
        return b.toString();
    }
}
