package dev.cria.server;

import dev.cria.server.api.ApiError;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import org.eclipse.jetty.http.BadMessageException;

import java.io.IOException;
import java.util.concurrent.TimeoutException;

/**
 * Hands every handler a request body that is counted while it is read, whatever its framing
 * (RFC 9112 §6: Content-Length or chunked). Javalin checks {@code maxRequestSize} only against
 * Content-Length, so a chunked body was read whole into memory; here the read fails with a 413 as
 * soon as byte {@code limit + 1} arrives, and nothing past it is read.
 *
 * <p>Failures of the framing itself surface from Jetty's blocking read as exceptions; they are
 * turned into the API's errors so that the handler's error path answers in the envelope: a
 * malformed chunk or a body cut short (RFC 9112 §7.1, §6.3) is a 400, a body that stalls past the
 * connection's idle timeout a 408 (RFC 9110 §15.5.9).
 */
final class RequestBodyFilter implements Filter {
    private final long limit;

    RequestBodyFilter(long limit) {
        this.limit = limit;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        chain.doFilter(new LimitedRequest((HttpServletRequest) request, limit), response);
    }

    private static final class LimitedRequest extends HttpServletRequestWrapper {
        private final long limit;
        private ServletInputStream body;

        LimitedRequest(HttpServletRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (body == null) body = new LimitedBody(super.getInputStream(), limit);
            return body;
        }
    }

    private static final class LimitedBody extends ServletInputStream {
        private final ServletInputStream in;
        private final long limit;
        private long read;

        LimitedBody(ServletInputStream in, long limit) {
            this.in = in;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b;
            try {
                b = in.read();
            } catch (IOException | BadMessageException e) {
                throw translate(e);
            }
            if (b >= 0) count(1);
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            // Never ask for more than one byte past the limit: that byte is enough to refuse the body.
            long room = limit + 1 - read;
            int n;
            try {
                n = in.read(buf, off, (int) Math.min(len, Math.max(1, room)));
            } catch (IOException | BadMessageException e) {
                throw translate(e);
            }
            if (n > 0) count(n);
            return n;
        }

        private void count(int n) {
            read += n;
            if (read > limit) throw ApiError.payloadTooLarge(limit);
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }

        /** Jetty reports a framing error as a BadMessageException (bare or as the cause), a stall as a TimeoutException cause. */
        private static ApiError translate(Exception e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof TimeoutException) {
                    return ApiError.requestTimeout("The request body did not arrive in time.");
                }
                if (t instanceof BadMessageException bad) {
                    return ApiError.badRequest("The request body is not framed correctly (" + bad.getReason() + ").", null);
                }
            }
            // Early EOF and the like: the client closed before the body announced was complete.
            return ApiError.badRequest("The request body ended before it was complete.", null);
        }
    }
}
