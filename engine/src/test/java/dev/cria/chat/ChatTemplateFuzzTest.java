package dev.cria.chat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Arbitrary conversations (any roles, including none; contents and tool-call arguments of any JSON
 * type; any tools list, or none) through {@link ChatTemplate#render}: it returns segments as its
 * javadoc promises (starting with {@code <|begin_of_text|>}, no empty Text, no two adjacent Texts),
 * or throws {@link IllegalArgumentException}; nothing else.
 */
class ChatTemplateFuzzTest {
    private static final String[] ROLES = {"system", "developer", "user", "assistant", "tool", "ipython"};

    @FuzzTest(maxDuration = "60s")
    void renderArbitraryConversation(FuzzedDataProvider data) {
        int n = data.consumeInt(0, 6);
        List<ChatMessage> messages = new ArrayList<>();
        for (int i = 0; i < n; i++) messages.add(message(data));
        List<?> tools = data.consumeBoolean() ? null : list(data, 0);
        boolean addGenerationPrompt = data.consumeBoolean();
        boolean toolsInUserMessage = data.consumeBoolean();
        String date = data.consumeBoolean() ? null : data.consumeString(20);
        List<Segment> segments;
        try {
            segments = ChatTemplate.render(messages, tools, addGenerationPrompt, date, toolsInUserMessage);
        } catch (IllegalArgumentException expected) {
            return; // the documented failure
        }
        if (segments.isEmpty() || !(segments.getFirst() instanceof Segment.Special s) || !s.token().equals(ChatTemplate.BEGIN_OF_TEXT)) {
            throw new AssertionError("render does not start with " + ChatTemplate.BEGIN_OF_TEXT + ": " + segments);
        }
        for (int i = 0; i < segments.size(); i++) {
            if (segments.get(i) instanceof Segment.Text t) {
                if (t.text().isEmpty()) throw new AssertionError("empty Text segment at " + i);
                if (i > 0 && segments.get(i - 1) instanceof Segment.Text) throw new AssertionError("adjacent Text segments at " + i);
            }
        }
    }

    private static ChatMessage message(FuzzedDataProvider data) {
        String role = switch (data.consumeInt(0, 7)) {
            case 6 -> null;
            case 7 -> data.consumeString(10);
            default -> ROLES[data.consumeInt(0, ROLES.length - 1)];
        };
        Object content = data.consumeBoolean() ? data.consumeString(40) : value(data, 0);
        List<ToolCall> calls = new ArrayList<>();
        int k = data.consumeInt(0, 2);
        for (int i = 0; i < k; i++) {
            calls.add(new ToolCall(data.consumeBoolean() ? null : data.consumeString(8),
                    data.consumeBoolean() ? null : data.consumeString(12), value(data, 0)));
        }
        return new ChatMessage(role, content, data.consumeBoolean() ? null : calls);
    }

    /** A JSON value as the API hands it over (Map, List, String, Long, Double, Boolean, null). */
    private static Object value(FuzzedDataProvider data, int depth) {
        return switch (data.consumeInt(0, depth < 4 ? 6 : 4)) {
            case 0 -> null;
            case 1 -> data.consumeString(20);
            case 2 -> data.consumeLong();
            case 3 -> data.consumeRegularDouble();
            case 4 -> data.consumeBoolean();
            case 5 -> list(data, depth + 1);
            default -> {
                Map<String, Object> m = new LinkedHashMap<>();
                int k = data.consumeInt(0, 3);
                for (int i = 0; i < k; i++) m.put(data.consumeString(10), value(data, depth + 1));
                yield m;
            }
        };
    }

    private static List<Object> list(FuzzedDataProvider data, int depth) {
        List<Object> l = new ArrayList<>();
        int k = data.consumeInt(0, 3);
        for (int i = 0; i < k; i++) l.add(value(data, depth + 1));
        return l;
    }
}
