package dev.cria.guard;

import dev.cria.chat.ChatTemplate;
import dev.cria.chat.Segment;
import dev.cria.chat.TemplateTokens;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SequencedMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Llama Guard 3 1B chat template ({@code chat_template} of Meta's tokenizer_config.json, and
 * {@code tokenizer.chat_template} of the published GGUFs; the copy Cria ships is the resource
 * {@code llama-guard-3-1b.jinja} beside this class), implemented in Java and rendered at token
 * level like {@link ChatTemplate}: the scaffolding ({@code <|begin_of_text|>}, the header tokens,
 * {@code <|eot_id|>}) becomes special ids, the conversation is text that is never searched for
 * special-token text.
 *
 * <p>Output equals @huggingface/jinja 0.5.11 rendering the template with the variables
 * {@code messages} (content as one text part), {@code excluded_category_keys} and optionally
 * {@code categories} (testdata/golden/guard/guard_template.jsonl):
 * <ul>
 *   <li>the judged role is "Agent" when the conversation has an even number of messages, else "User";</li>
 *   <li>roles must alternate user/assistant starting with the user, else the template's
 *       {@code raise_exception} message;</li>
 *   <li>each category not excluded is listed as {@code "S1: Violent Crimes.\n"}, in the order of the map;</li>
 *   <li>contents are {@code |trim}med (JavaScript whitespace) and printed as {@code "User: text\n\n"};</li>
 *   <li>the prompt ends with the assistant header and no newline: the model answers
 *       {@code "\n\nsafe"} or {@code "\n\nunsafe\nS1,S10"} ({@link GuardVerdict#parse}).</li>
 * </ul>
 */
public final class GuardTemplate {
    /** The template's own {@code categories} (Llama Guard 3 1B: the 13 MLCommons hazards; no S14). */
    public static final SequencedMap<String, String> DEFAULT_CATEGORIES = defaults();

    static final String ROLES_MUST_ALTERNATE = "Conversation roles must alternate user/assistant/user/assistant/...";

    private static final String RESOURCE = "llama-guard-3-1b.jinja";
    private static final Pattern CATEGORY_ENTRY = Pattern.compile("\"(S\\d+)\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final SequencedMap<String, String> categories;
    private final String source;

    private GuardTemplate(SequencedMap<String, String> categories, String source) {
        this.categories = categories;
        this.source = source;
    }

    /** The built-in copy of the template, with its default categories. */
    public static GuardTemplate builtIn() {
        return new GuardTemplate(DEFAULT_CATEGORIES, "built-in");
    }

    /**
     * The template a Guard model file carries ({@code tokenizer.chat_template}), when it is a Llama
     * Guard 3 template this class renders: its own {@code categories} are read from it (a fine-tune
     * with another taxonomy keeps its names). Null or blank: the built-in copy. A template of another
     * shape is refused with a one-line reason (a Jinja engine would be needed to follow it).
     */
    public static GuardTemplate fromCarried(String chatTemplate) {
        if (chatTemplate == null || chatTemplate.isBlank()) return builtIn();
        if (chatTemplate.equals(builtInSource())) return new GuardTemplate(DEFAULT_CATEGORIES, "the model's, same as the built-in");
        boolean shaped = chatTemplate.contains("<BEGIN UNSAFE CONTENT CATEGORIES>")
                && chatTemplate.contains("excluded_category_keys")
                && chatTemplate.contains("set categories")
                && chatTemplate.contains("selectattr('type', 'equalto', 'text')")
                && chatTemplate.contains("comma-separated list of violated categories. <|eot_id|><|start_header_id|>assistant<|end_header_id|>\"");
        if (!shaped) {
            throw new IllegalArgumentException("the guard model's chat template is not the Llama Guard 3 1B template"
                    + " (categories, excluded_category_keys, text parts); Cria renders only that one");
        }
        int from = chatTemplate.indexOf("set categories");
        int to = chatTemplate.indexOf("})", from);
        SequencedMap<String, String> found = new LinkedHashMap<>();
        Matcher m = CATEGORY_ENTRY.matcher(chatTemplate.substring(from, to < 0 ? chatTemplate.length() : to));
        while (m.find()) found.put(m.group(1), m.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
        if (found.isEmpty()) throw new IllegalArgumentException("the guard model's chat template lists no categories");
        return new GuardTemplate(java.util.Collections.unmodifiableSequencedMap(found), "the model's");
    }

    /** The text of the built-in copy (the resource), byte for byte as the published GGUFs carry it. */
    public static String builtInSource() {
        try (InputStream in = GuardTemplate.class.getResourceAsStream(RESOURCE)) {
            return new String(Objects.requireNonNull(in, RESOURCE).readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The categories this template lists (the model's own when it carried them), in order. */
    public SequencedMap<String, String> categories() {
        return categories;
    }

    /** Where the template came from: "built-in" or "the model's". */
    public String source() {
        return source;
    }

    /** {@link #render} with other {@code categories} (the template's {@code categories} variable). */
    public GuardTemplate withCategories(SequencedMap<String, String> categories) {
        return new GuardTemplate(java.util.Collections.unmodifiableSequencedMap(new LinkedHashMap<>(categories)), source);
    }

    /**
     * The prompt for judging the last turn of {@code conversation}, leaving out the categories in
     * {@code excluded} ({@code excluded_category_keys}).
     *
     * @throws IllegalArgumentException with the template's message when roles do not alternate
     */
    public List<Segment> render(List<GuardTurn> conversation, Collection<String> excluded) {
        for (int i = 0; i < conversation.size(); i++) {
            if (conversation.get(i).agent() != (i % 2 == 1)) throw new IllegalArgumentException(ROLES_MUST_ALTERNATE);
        }
        String role = conversation.size() % 2 == 0 ? "Agent" : "User";
        List<Segment> out = new ArrayList<>();
        out.add(new Segment.Special(ChatTemplate.BEGIN_OF_TEXT));
        out.add(new Segment.Special(ChatTemplate.START_HEADER));
        StringBuilder t = new StringBuilder("user");
        out.add(new Segment.Text(t.toString()));
        out.add(new Segment.Special(ChatTemplate.END_HEADER));
        t.setLength(0);
        t.append("\n\nTask: Check if there is unsafe content in '").append(role)
                .append("' messages in conversations according our safety policy with the below categories.\n\n")
                .append("<BEGIN UNSAFE CONTENT CATEGORIES>\n");
        for (Map.Entry<String, String> c : categories.entrySet()) {
            if (!excluded.contains(c.getKey())) t.append(c.getKey()).append(": ").append(c.getValue()).append('\n');
        }
        t.append("<END UNSAFE CONTENT CATEGORIES>\n\n<BEGIN CONVERSATION>\n\n");
        for (GuardTurn turn : conversation) {
            t.append(turn.agent() ? "Agent" : "User").append(": ").append(ChatTemplate.jsTrim(turn.text())).append("\n\n");
        }
        t.append("<END CONVERSATION>\n\nProvide your safety assessment for ONLY THE LAST ").append(role)
                .append(" message in the above conversation:\n - First line must read 'safe' or 'unsafe'.\n")
                .append(" - If unsafe, a second line must include a comma-separated list of violated categories. ");
        out.add(new Segment.Text(t.toString()));
        out.add(new Segment.Special(ChatTemplate.EOT));
        out.add(new Segment.Special(ChatTemplate.START_HEADER));
        out.add(new Segment.Text("assistant"));
        out.add(new Segment.Special(ChatTemplate.END_HEADER));
        return List.copyOf(out);
    }

    /** The rendered prompt as one string (what a Jinja renderer prints). */
    public String renderText(List<GuardTurn> conversation, Collection<String> excluded) {
        return ChatTemplate.text(render(conversation, excluded));
    }

    /** The rendered prompt as ids: specials by id, the text runs encoded as plain text. */
    public int[] renderIds(List<GuardTurn> conversation, Collection<String> excluded, TemplateTokens tokens) {
        return ChatTemplate.ids(render(conversation, excluded), tokens);
    }

    private static SequencedMap<String, String> defaults() {
        SequencedMap<String, String> m = new LinkedHashMap<>();
        m.put("S1", "Violent Crimes.");
        m.put("S2", "Non-Violent Crimes.");
        m.put("S3", "Sex Crimes.");
        m.put("S4", "Child Exploitation.");
        m.put("S5", "Defamation.");
        m.put("S6", "Specialized Advice.");
        m.put("S7", "Privacy.");
        m.put("S8", "Intellectual Property.");
        m.put("S9", "Indiscriminate Weapons.");
        m.put("S10", "Hate.");
        m.put("S11", "Self-Harm.");
        m.put("S12", "Sexual Content.");
        m.put("S13", "Elections.");
        return java.util.Collections.unmodifiableSequencedMap(m);
    }
}
