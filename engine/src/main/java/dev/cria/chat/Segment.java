package dev.cria.chat;

/**
 * One piece of a rendered chat prompt, at token level: either template scaffolding that must
 * become exactly one special token id, or plain text that is encoded without ever looking for
 * special-token text inside it (a user who types {@code <|eot_id|>} gets those characters as text).
 */
public sealed interface Segment {

    /** The text of this segment as it appears in the rendered prompt string. */
    String text();

    /** A special token of the template scaffolding, e.g. {@code <|eot_id|>}. */
    record Special(String token) implements Segment {
        public Special {
            if (token == null || token.isEmpty()) throw new IllegalArgumentException("special token text is empty");
        }

        @Override
        public String text() {
            return token;
        }
    }

    /** Plain text: message content, role names, the template's fixed sentences, tool JSON. */
    record Text(String text) implements Segment {
        public Text {
            if (text == null) throw new IllegalArgumentException("text segment is null");
        }
    }
}
