package dev.cria.server.generation;

import io.javalin.http.Context;

import java.io.IOException;
import java.io.OutputStream;

/** Opens a streamed response: status and headers committed, the raw output to write frames to. */
@FunctionalInterface
interface ResponseStream {
    OutputStream open() throws IOException;

    /**
     * Status 200 and {@code contentType}, uncached and unbuffered by proxies ({@code X-Accel-Buffering: no}
     * for nginx), headers flushed at once: the client sees the stream open before the first token.
     */
    static ResponseStream of(Context ctx, String contentType) {
        return () -> {
            ctx.status(200);
            ctx.res().setContentType(contentType);
            ctx.res().setHeader("Cache-Control", "no-cache");
            ctx.res().setHeader("X-Accel-Buffering", "no");
            OutputStream out = ctx.res().getOutputStream();
            out.flush();
            return out;
        };
    }
}
