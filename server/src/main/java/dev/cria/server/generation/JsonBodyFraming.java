package dev.cria.server.generation;

import dev.cria.server.api.ApiError;
import dev.cria.server.api.ApiJson;
import io.javalin.http.Context;

import java.util.function.Function;

/**
 * A non-streaming answer: the endpoint sends exactly one frame, the whole body, written when the run
 * ends. Nothing reaches the client before that, so an error is still an HTTP status: {@link #fail}
 * rethrows it for the server's error handler.
 */
public final class JsonBodyFraming implements Framing {
    private final Context ctx;
    private Object body;

    public JsonBodyFraming(Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public void open() {
        // nothing is sent before the body
    }

    @Override
    public void send(Object frame) {
        if (body != null) throw new IllegalStateException("a JSON body is one frame; it was already sent");
        body = frame;
    }

    @Override
    public void send(String event, Object frame) {
        send(frame);
    }

    @Override
    public void end() {
        if (body == null) throw new IllegalStateException("the endpoint sent no body");
        ctx.contentType("application/json");
        ctx.result(ApiJson.bytes(body));
    }

    @Override
    public void fail(RuntimeException e, Function<ApiError, Object> errorFrame) {
        throw e;
    }
}
