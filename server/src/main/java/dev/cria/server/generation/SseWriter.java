package dev.cria.server.generation;

import dev.cria.server.api.ApiError;
import dev.cria.server.api.ApiJson;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Server-sent events as OpenAI streams them: each chunk is one {@code data: JSON\n\n} frame, flushed
 * at once; the stream ends with {@code data: [DONE]}. An error after the stream began is one
 * {@code event: error} frame carrying the error envelope (a whole JSON document, never half of one).
 * A write to a client that went away throws {@link IOException}: the caller cancels its generation.
 */
public final class SseWriter {
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ERROR = "event: error\n".getBytes(StandardCharsets.US_ASCII);

    private final OutputStream out;

    public SseWriter(OutputStream out) {
        this.out = out;
    }

    /** Starts an event stream on a response (status 200, OpenAI's headers) and writes to its raw output. */
    public static SseWriter open(io.javalin.http.Context ctx) throws IOException {
        ctx.status(200);
        ctx.res().setContentType("text/event-stream; charset=utf-8");
        ctx.res().setHeader("Cache-Control", "no-cache");
        ctx.res().setHeader("X-Accel-Buffering", "no");
        OutputStream out = ctx.res().getOutputStream();
        out.flush(); // commit the headers now: the client sees the stream open before the first token
        return new SseWriter(out);
    }

    public void send(Object chunk) throws IOException {
        // One write per frame: the serialized JSON never contains a raw newline, so a frame is one data line.
        byte[] json = ApiJson.bytes(chunk);
        byte[] frame = new byte[DATA.length + json.length + END.length];
        System.arraycopy(DATA, 0, frame, 0, DATA.length);
        System.arraycopy(json, 0, frame, DATA.length, json.length);
        System.arraycopy(END, 0, frame, DATA.length + json.length, END.length);
        out.write(frame);
        out.flush();
    }

    public void done() throws IOException {
        out.write(DONE);
        out.flush();
    }

    /**
     * Ends a stream that broke on the server side with an error event (an {@link ApiError} as it is,
     * anything else as a 500), ignoring a client that is already gone.
     */
    public void failSafely(RuntimeException e) {
        ApiError error = e instanceof ApiError a ? a : ApiError.internal("The server had an error while streaming: " + e);
        try {
            error(error);
        } catch (IOException clientGone) {
            // nothing to tell anyone
        }
    }

    public void error(ApiError error) throws IOException {
        out.write(ERROR);
        send(error.envelope());
    }
}
