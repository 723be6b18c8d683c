package dev.cria.server.responses;

import dev.cria.chat.ChatMessage;
import dev.cria.server.responses.ResponseShapes.Reasoning;
import dev.cria.server.responses.ResponseShapes.Response;
import dev.cria.server.responses.ResponseShapes.Text;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The store is bounded as docs/server.md says: at most 1024 responses and about 64 MiB, least recently used first out. */
class ResponseStoreTest {
    private static Response response(String id) {
        return new Response(id, "response", 0, "completed", null, null, null, null, "m", List.of(), true, null,
                Reasoning.NONE, true, 1.0, Text.PLAIN, "auto", List.of(), 1.0, "disabled", null, null, Map.of());
    }

    @Test
    void beyondMaxResponsesTheLeastRecentlyUsedIsEvicted() {
        ResponseStore store = new ResponseStore();
        for (int i = 0; i < ResponseStore.MAX_RESPONSES; i++) store.put(response("resp_" + i), List.of());
        assertThat(store.get("resp_0")).isNotNull(); // read: now the most recently used

        store.put(response("resp_new"), List.of());

        assertThat(store.size()).isEqualTo(ResponseStore.MAX_RESPONSES);
        assertThat(store.get("resp_0")).isNotNull();
        assertThat(store.get("resp_1")).isNull();
        assertThat(store.get("resp_new")).isNotNull();
    }

    @Test
    void beyondMaxBytesOlderResponsesAreEvicted() {
        ResponseStore store = new ResponseStore();
        String text = "x".repeat((int) (ResponseStore.MAX_BYTES / 2 / 3)); // a third of the budget at 2 bytes a char
        for (int i = 0; i < 4; i++) store.put(response("resp_" + i), List.of(ChatMessage.of("user", text)));

        assertThat(store.size()).isEqualTo(2);
        assertThat(store.get("resp_0")).isNull();
        assertThat(store.get("resp_3")).isNotNull();
    }

    @Test
    void aDeletedResponseIsGone() {
        ResponseStore store = new ResponseStore();
        store.put(response("resp_a"), List.of());

        assertThat(store.delete("resp_a")).isTrue();
        assertThat(store.delete("resp_a")).isFalse();
        assertThat(store.get("resp_a")).isNull();
    }
}
