package dev.cria.server.api;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The well-formedness check of a request body. JSON text exchanged between systems must be UTF-8
 * (RFC 8259 §8.1), and well-formed UTF-8 (RFC 3629 §3-4) has no overlong forms ({@code C0 AF}), no
 * surrogate code points ({@code ED A0 80}) and nothing above U+10FFFF ({@code F4 90 80 80}); the JSON
 * parser lets all three through, so the body is checked first with a decoder that reports them.
 */
public final class StrictUtf8 {
    private StrictUtf8() {
    }

    /** Throws a 400 naming the first ill-formed byte's offset; returns when the whole body is well-formed UTF-8. */
    public static void requireWellFormed(byte[] body) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(body);
        CharBuffer out = CharBuffer.allocate(4096); // decoded text is thrown away: only errors matter
        while (true) {
            CoderResult r = decoder.decode(in, out, true);
            if (r.isError()) {
                throw ApiError.badRequest("The request body is not valid UTF-8 (ill-formed sequence at byte " + in.position()
                        + "). JSON must be sent as UTF-8.", null);
            }
            if (r.isUnderflow()) break;
            out.clear();
        }
        out.clear();
        decoder.flush(out);
    }
}
