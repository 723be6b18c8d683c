package dev.cria.server.api;

/**
 * How an API family answers an {@link ApiError}: the HTTP status and the body. Endpoints throw one
 * {@code ApiError} whatever their API; the server picks the format by the route family of the path
 * (OpenAI's envelope unless a family says otherwise), and a stream reports a late error in the same
 * format as its error frame.
 */
public interface ErrorFormat {
    /** OpenAI's: the error's own status and {@code {"error": {"message", "type", "param", "code"}}}. */
    ErrorFormat OPENAI = new ErrorFormat() {
        @Override
        public int status(ApiError e) {
            return e.status();
        }

        @Override
        public Object body(ApiError e, String requestId) {
            return e.envelope();
        }
    };

    int status(ApiError e);

    /** The JSON-ready body; {@code requestId} is the response's {@code x-request-id} (may be null). */
    Object body(ApiError e, String requestId);
}
