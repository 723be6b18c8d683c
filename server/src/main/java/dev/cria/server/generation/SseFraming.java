package dev.cria.server.generation;

import dev.cria.server.api.ApiError;
import dev.cria.server.api.ApiJson;
import io.javalin.http.Context;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * Server-sent events (HTML Living Standard, "Server-sent events"): each frame is one
 * {@code data: JSON} line, under an {@code event: NAME} line when named, ended by a blank line and
 * flushed at once. The serialized JSON never holds a raw newline, so a frame is always one data line.
 * An error after the stream began is one {@code event: error} frame (a whole JSON document, never
 * half of one), as OpenAI and Anthropic send it. A write to a client that went away throws
 * {@link IOException}: the driver cancels the generation.
 */
public final class SseFraming implements Framing {
    /** OpenAI's end of stream (API reference, "stream": "terminated by a data: [DONE] message"). */
    private static final String OPENAI_DONE = "[DONE]";

    private final ResponseStream response;
    private final String terminator;
    private OutputStream out;

    SseFraming(ResponseStream response, String terminator) {
        this.response = response;
        this.terminator = terminator;
    }

    /** OpenAI's streams (chat completions, completions): they end with {@code data: [DONE]}. */
    public static SseFraming openAi(Context ctx) {
        return new SseFraming(ResponseStream.of(ctx, "text/event-stream; charset=utf-8"), OPENAI_DONE);
    }

    /** Streams that end with their last event and no terminator (Anthropic Messages, OpenAI Responses). */
    public static SseFraming unterminated(Context ctx) {
        return new SseFraming(ResponseStream.of(ctx, "text/event-stream; charset=utf-8"), null);
    }

    @Override
    public void open() throws IOException {
        out = response.open();
    }

    @Override
    public void send(Object frame) throws IOException {
        write(null, ApiJson.bytes(frame));
    }

    @Override
    public void send(String event, Object frame) throws IOException {
        write(event, ApiJson.bytes(frame));
    }

    @Override
    public void end() throws IOException {
        if (terminator != null) write(null, terminator.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public void fail(RuntimeException e, Function<ApiError, Object> errorFrame) {
        try {
            send("error", errorFrame.apply(Framing.asApiError(e)));
        } catch (IOException clientGone) {
            // nothing to tell anyone
        }
    }

    /** One write per frame, so a frame never reaches the client in pieces that another write could split. */
    private void write(String event, byte[] data) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(data.length + 32);
        if (event != null) frame.writeBytes(("event: " + event + "\n").getBytes(StandardCharsets.UTF_8));
        frame.writeBytes("data: ".getBytes(StandardCharsets.US_ASCII));
        frame.writeBytes(data);
        frame.writeBytes("\n\n".getBytes(StandardCharsets.US_ASCII));
        out.write(frame.toByteArray());
        out.flush();
    }
}
