package dev.cria.server.generation;

import dev.cria.server.api.ApiError;

import java.io.IOException;
import java.util.function.Function;

/**
 * How a response carries its frames: {@link SseFraming} (server-sent events), {@link NdjsonFraming}
 * (one JSON document per line) or {@link JsonBodyFraming} (one JSON body). {@link GenerationDriver}
 * calls {@link #open} once, then the endpoint sends frames, then the driver calls exactly one of
 * {@link #end} or {@link #fail}.
 */
public interface Framing extends FrameSink {
    /** Before the first frame: a stream commits its status and headers now, so the client sees it open at once. */
    void open() throws IOException;

    /** Every frame was sent: a stream writes its terminator (if its API has one), a JSON body is written. */
    void end() throws IOException;

    /**
     * The generation broke after {@link #open}: a stream that has begun can no longer change its status,
     * so it ends with the frame {@code errorFrame} makes of the error (an {@link ApiError} as it is,
     * anything else as a 500), ignoring a client that is already gone. A JSON body has sent nothing yet
     * and rethrows {@code e}, for the server's error handler to answer with its status.
     */
    void fail(RuntimeException e, Function<ApiError, Object> errorFrame);

    /** What a stream reports for {@code e}: an {@link ApiError} as it is, anything else as a 500. */
    static ApiError asApiError(RuntimeException e) {
        return e instanceof ApiError a ? a : ApiError.internal("The server had an error while streaming: " + e);
    }
}
