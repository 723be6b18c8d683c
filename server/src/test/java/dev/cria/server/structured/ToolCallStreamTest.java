package dev.cria.server.structured;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Reading enforced tool calls as they stream: starts once a name is whole, then argument fragments. */
class ToolCallStreamTest {
    private final List<String> events = new ArrayList<>();
    private final ToolCallStream stream = new ToolCallStream(new ToolCallStream.Listener() {
        @Override
        public void callStarted(int index, String name) {
            events.add("start " + index + " " + name);
        }

        @Override
        public void arguments(int index, String fragment) {
            events.add("args " + index + " " + fragment);
        }
    });

    private void feed(String text, int pieceLength) {
        for (int i = 0; i < text.length(); i += pieceLength) stream.accept(text.substring(i, Math.min(text.length(), i + pieceLength)));
    }

    private String arguments(int index) {
        StringBuilder b = new StringBuilder();
        for (String e : events) if (e.startsWith("args " + index + " ")) b.append(e.substring(("args " + index + " ").length()));
        return b.toString();
    }

    @Test
    void aCallStartsWhenItsNameIsCompleteAndItsArgumentsFollowInFragments() {
        feed("{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}", 3);

        assertThat(events.getFirst()).isEqualTo("start 0 get_weather");
        assertThat(events.size()).isGreaterThan(2);
        assertThat(arguments(0)).isEqualTo("{\"city\": \"Paris\"}");
        assertThat(stream.calls()).isEqualTo(1);
    }

    @Test
    void bracesAndQuotesInsideStringsDoNotEndTheArguments() {
        feed("{\"name\": \"note\", \"parameters\": {\"text\": \"a } and \\\" and ] {\"}}", 1);

        assertThat(arguments(0)).isEqualTo("{\"text\": \"a } and \\\" and ] {\"}");
    }

    @Test
    void callsSeparatedBySemicolonsGetTheirOwnIndexes() {
        feed("{\"name\": \"a\", \"parameters\": {}}; {\"name\": \"b\", \"parameters\": {\"x\": [1, {\"y\": 2}]}}", 5);

        assertThat(events).contains("start 0 a", "start 1 b");
        assertThat(arguments(0)).isEqualTo("{}");
        assertThat(arguments(1)).isEqualTo("{\"x\": [1, {\"y\": 2}]}");
    }

    @Test
    void anEscapedNameIsDecoded() {
        feed("{\"name\": \"say_\\u0068i\", \"parameters\": {}}", 4);

        assertThat(events.getFirst()).isEqualTo("start 0 say_hi");
    }
}
