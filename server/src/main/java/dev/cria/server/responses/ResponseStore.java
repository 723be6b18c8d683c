package dev.cria.server.responses;

import dev.cria.chat.ChatMessage;
import dev.cria.chat.ToolCall;
import dev.cria.server.api.ApiJson;
import dev.cria.server.responses.ResponseShapes.Response;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The responses kept for {@code store: true} (the API's default): what {@code GET /v1/responses/{id}}
 * answers and what {@code previous_response_id} continues. In memory, bounded, least recently used
 * first out: at most {@link #MAX_RESPONSES} responses and about {@link #MAX_BYTES} bytes of them
 * (their JSON, their input items' JSON, plus their conversation's text); a response lives until it is evicted, deleted, or
 * the server stops. Nothing survives a restart (OpenAI keeps responses 30 days; a local server's
 * conversations are short-lived, and an embedded database would be a dependency for little gain).
 * Reading one (get or continue) makes it the most recently used.
 */
final class ResponseStore {
    static final int MAX_RESPONSES = 1024;
    static final long MAX_BYTES = 64L << 20;

    /**
     * A kept response and the conversation a continuation starts from: its input's messages after
     * any earlier response's, then its output (instructions are not carried over, as the API
     * reference says of {@code previous_response_id}).
     */
    record Stored(Response response, List<ChatMessage> conversation, List<Map<String, Object>> inputItems, long bytes) {
    }

    private final LinkedHashMap<String, Stored> byId = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;

    synchronized void put(Response response, List<ChatMessage> conversation) {
        put(response, conversation, List.of());
    }

    /** @param inputItems the request's own input items, as {@code GET /v1/responses/{id}/input_items} lists them */
    synchronized void put(Response response, List<ChatMessage> conversation, List<Map<String, Object>> inputItems) {
        Stored s = new Stored(response, List.copyOf(conversation), List.copyOf(inputItems),
                sizeOf(response, conversation) + (inputItems.isEmpty() ? 0 : ApiJson.bytes(inputItems).length));
        Stored old = byId.put(response.id(), s);
        if (old != null) bytes -= old.bytes();
        bytes += s.bytes();
        Iterator<Map.Entry<String, Stored>> eldest = byId.entrySet().iterator();
        while ((byId.size() > MAX_RESPONSES || bytes > MAX_BYTES) && byId.size() > 1) {
            bytes -= eldest.next().getValue().bytes();
            eldest.remove();
        }
    }

    synchronized Stored get(String id) {
        return byId.get(id);
    }

    synchronized boolean delete(String id) {
        Stored s = byId.remove(id);
        if (s == null) return false;
        bytes -= s.bytes();
        return true;
    }

    synchronized int size() {
        return byId.size();
    }

    /** About what the entry holds: its JSON's bytes plus two bytes a char of its conversation's text. */
    private static long sizeOf(Response response, List<ChatMessage> conversation) {
        long n = ApiJson.bytes(response).length;
        for (ChatMessage m : conversation) {
            if (m.content() != null) n += 2L * m.content().toString().length();
            for (ToolCall c : m.toolCalls()) n += 2L * (c.name().length() + String.valueOf(c.arguments()).length());
        }
        return n;
    }
}
