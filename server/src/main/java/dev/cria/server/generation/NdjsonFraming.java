package dev.cria.server.generation;

import dev.cria.server.api.ApiError;
import dev.cria.server.api.ApiJson;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.OutputStream;
import java.util.function.Function;

/**
 * Newline-delimited JSON ({@code application/x-ndjson}, as Ollama streams): each frame is one JSON
 * document on its own line, flushed at once; the stream ends with its last line. An error after the
 * stream began is one more line, the endpoint's error frame (Ollama's {@code {"error": "..."}}).
 * Event names are not carried: a line says what it is in its own fields.
 */
public final class NdjsonFraming implements Framing {
    private final ResponseStream response;
    private OutputStream out;

    NdjsonFraming(ResponseStream response) {
        this.response = response;
    }

    public static NdjsonFraming of(Context ctx) {
        return new NdjsonFraming(ResponseStream.of(ctx, "application/x-ndjson"));
    }

    @Override
    public void open() throws IOException {
        out = response.open();
    }

    @Override
    public void send(Object frame) throws IOException {
        // One write per line; the serialized JSON never holds a raw newline.
        byte[] json = ApiJson.bytes(frame);
        byte[] line = new byte[json.length + 1];
        System.arraycopy(json, 0, line, 0, json.length);
        line[json.length] = '\n';
        out.write(line);
        out.flush();
    }

    @Override
    public void send(String event, Object frame) throws IOException {
        send(frame);
    }

    @Override
    public void end() {
        // the last line was the end
    }

    @Override
    public void fail(RuntimeException e, Function<ApiError, Object> errorFrame) {
        try {
            send(errorFrame.apply(Framing.asApiError(e)));
        } catch (IOException clientGone) {
            // nothing to tell anyone
        }
    }
}
