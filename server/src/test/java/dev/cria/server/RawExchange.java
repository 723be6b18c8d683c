package dev.cria.server;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP exchange written byte by byte on a plain socket, for what an HTTP client library will
 * not send: broken framing, chunked bodies, odd Host headers, malformed request lines. The request
 * is written by a virtual thread (the server may answer and close before the body is all sent, as
 * it must for a body over the limit); the response is read on the calling thread until the server
 * closes the connection or the announced body has arrived.
 */
record RawExchange(int status, Map<String, String> headers, String body) {
    /** How long a test waits for an answer before failing (the server's own timeouts are shorter or set per test). */
    static final int READ_TIMEOUT_MS = 15_000;

    /** Sends {@code head} (CRLFs included) then {@code body} and reads the response. */
    static RawExchange send(int port, String head, byte[] body) throws IOException {
        return send(port, head.getBytes(StandardCharsets.ISO_8859_1), out -> out.write(body));
    }

    static RawExchange send(int port, String head) throws IOException {
        return send(port, head, new byte[0]);
    }

    /** Sends {@code head}, then whatever {@code body} writes (it may stall or stop early), and reads the response. */
    static RawExchange send(int port, byte[] head, BodyWriter body) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(READ_TIMEOUT_MS);
            OutputStream out = socket.getOutputStream();
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    out.write(head);
                    body.write(out);
                    out.flush();
                } catch (IOException | InterruptedException e) {
                    // The server answered and closed before the body was all sent: expected for refused bodies.
                }
            });
            try {
                return read(socket.getInputStream());
            } finally {
                writer.interrupt();
            }
        }
    }

    /** Writes a request body, possibly slowly or never finishing. */
    interface BodyWriter {
        void write(OutputStream out) throws IOException, InterruptedException;
    }

    JsonNode json() {
        return Http.json(body);
    }

    String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    private static RawExchange read(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int headEnd = -1;
        Map<String, String> headers = new LinkedHashMap<>();
        int status = 0;
        while (true) {
            int n;
            try {
                n = in.read(buf);
            } catch (SocketException reset) {
                n = -1; // a reset after the response arrived: what was read is the answer
            }
            if (n < 0) break;
            all.write(buf, 0, n);
            byte[] bytes = all.toByteArray();
            if (headEnd < 0) {
                headEnd = indexOf(bytes, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                if (headEnd < 0) continue;
                String[] lines = new String(bytes, 0, headEnd, StandardCharsets.ISO_8859_1).split("\r\n");
                status = Integer.parseInt(lines[0].split(" ")[1]);
                for (int i = 1; i < lines.length; i++) {
                    int colon = lines[i].indexOf(':');
                    headers.merge(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                            lines[i].substring(colon + 1).strip(), (a, b) -> a + ", " + b);
                }
            }
            String length = headers.get("content-length");
            if (length != null && bytes.length - headEnd - 4 >= Integer.parseInt(length)) break;
            if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))
                    && new String(bytes, StandardCharsets.ISO_8859_1).endsWith("\r\n0\r\n\r\n")) break;
        }
        byte[] bytes = all.toByteArray();
        if (headEnd < 0) throw new IOException("no HTTP response head in: " + new String(bytes, StandardCharsets.ISO_8859_1));
        byte[] rest = java.util.Arrays.copyOfRange(bytes, headEnd + 4, bytes.length);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) rest = dechunk(rest);
        return new RawExchange(status, headers, new String(rest, StandardCharsets.UTF_8));
    }

    private static byte[] dechunk(byte[] chunked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < chunked.length) {
            int eol = indexOf(java.util.Arrays.copyOfRange(chunked, i, chunked.length), "\r\n".getBytes(StandardCharsets.ISO_8859_1));
            int size = Integer.parseInt(new String(chunked, i, eol, StandardCharsets.ISO_8859_1).split(";")[0].strip(), 16);
            if (size == 0) break;
            out.write(chunked, i + eol + 2, size);
            i += eol + 2 + size + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }
}
