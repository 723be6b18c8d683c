package dev.cria.server;

import dev.cria.server.api.ApiError;
import dev.cria.server.api.ApiJson;
import dev.cria.server.api.ApiStyle;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Jetty's own error responses in the OpenAI envelope, with an {@code x-request-id}, instead of
 * Jetty's HTML pages. Two paths reach it: {@link #badMessageError} for requests Jetty's parser
 * refuses before any handler runs (bad header syntax, a control character in the URI, 414 URI too
 * long, 431 headers too large, 505 version, 426 for an HTTP/2 preface; RFC 9112 §2.2, §3), and
 * {@link #handle} for errors Jetty raises while dispatching (an ambiguous path such as {@code /../}).
 * Errors the API itself raises never come here: {@link CriaServer} writes those.
 */
final class JsonErrorHandler extends ErrorHandler {
    private static final Logger LOG = LoggerFactory.getLogger(JsonErrorHandler.class);
    private final CorsHeaders cors;

    JsonErrorHandler(CorsHeaders cors) {
        this.cors = cors;
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        String requestId = ApiStyle.newRequestId();
        LOG.info("refused by the HTTP parser: {} {} {}", status, reason, requestId);
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        fields.put("x-request-id", requestId);
        cors.forOrigin(null).forEach(fields::put); // the parser failed: the Origin header may not have been read
        return ByteBuffer.wrap(ApiJson.bytes(envelope(status, reason).envelope()));
    }

    @Override
    public void handle(String target, Request baseRequest, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        baseRequest.setHandled(true);
        if (response.isCommitted()) return;
        int status = response.getStatus();
        Object message = request.getAttribute(RequestDispatcher.ERROR_MESSAGE);
        String requestId = response.getHeader("x-request-id");
        if (requestId == null) {
            requestId = ApiStyle.newRequestId();
            response.setHeader("x-request-id", requestId);
        }
        cors.forOrigin(request.getHeader("Origin")).forEach(response::setHeader);
        LOG.info("refused by the HTTP layer: {} {} {}", status, message, requestId);
        byte[] body = ApiJson.bytes(envelope(status, message == null ? null : message.toString()).envelope());
        response.setContentType("application/json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private static ApiError envelope(int status, String reason) {
        String text = reason == null || reason.isBlank() ? HttpStatus.getMessage(status) : reason;
        return new ApiError(status, status >= 500 ? "server_error" : "invalid_request_error",
                "The request could not be processed: " + status + " " + text + ".", null, null);
    }
}
