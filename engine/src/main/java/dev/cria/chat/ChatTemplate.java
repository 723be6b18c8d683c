package dev.cria.chat;

import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The official Llama 3.2 Instruct chat template ({@code chat_template} of Meta's
 * tokenizer_config.json, identical to {@code tokenizer.chat_template} in the GGUFs), implemented
 * directly in Java instead of through a Jinja engine, and rendered at token level: the scaffolding
 * ({@code <|begin_of_text|>}, {@code <|start_header_id|>}, {@code <|end_header_id|>},
 * {@code <|eot_id|>}) becomes {@link Segment.Special}s, everything else, message content above
 * all, is {@link Segment.Text} that is never searched for special-token text.
 *
 * <p>Output equals @huggingface/jinja 0.5.11 rendering the template (testdata/golden/chat_template.jsonl),
 * including its quirks, which are kept on purpose so that prompt token counts match the reference:
 * <ul>
 *   <li>the system block is always emitted, with "Cutting Knowledge Date: December 2023" and
 *       "Today Date: &lt;date&gt;", followed by the first message's content if its role is system;</li>
 *   <li>contents are {@code |trim}med (JavaScript {@code String.prototype.trim} whitespace);</li>
 *   <li>with tools (an empty list counts as tools, as in the template) and the default
 *       {@code tools_in_user_message=true}, the tool list ({@code tojson(indent=4)}) goes into the
 *       first remaining message, whatever its role, rendered under a user header;</li>
 *   <li>any other role (developer, a system message in the middle) is printed as its own header;</li>
 *   <li>a tool result ({@code tool} / {@code ipython}) is printed under the ipython header; a string
 *       result is JSON-quoted, because a string "is iterable" in Jinja;</li>
 *   <li>an assistant tool call renders as {@code {"name": "…", "parameters": <arguments|tojson>}}
 *       followed by {@code <|eot_id|>} (not {@code <|eom_id|>}); arguments given as a String are
 *       JSON-quoted like any string (callers that receive OpenAI's JSON-string arguments should
 *       parse them first, as llama-server does);</li>
 *   <li>a final assistant message is closed with {@code <|eot_id|>} like any other.</li>
 * </ul>
 * A message whose {@link ChatMessage#toolCalls()} is empty is treated as having no
 * {@code tool_calls} key (the template would raise on an empty list).
 */
public final class ChatTemplate {
    public static final String BEGIN_OF_TEXT = "<|begin_of_text|>";
    public static final String START_HEADER = "<|start_header_id|>";
    public static final String END_HEADER = "<|end_header_id|>";
    public static final String EOT = "<|eot_id|>";
    /** Not emitted by the 3.2 template; listed for the stop set and the tool-call parser. */
    public static final String EOM = "<|eom_id|>";
    /** Not emitted by the 3.2 template; the model may start a tool call with it. */
    public static final String PYTHON_TAG = "<|python_tag|>";

    static final String NO_FIRST_USER_MESSAGE =
            "Cannot put tools in the first user message when there's no first user message!";
    static final String SINGLE_TOOL_CALL_ONLY = "This model only supports single tool-calls at once!";

    private static final DateTimeFormatter DATE_FORMAT = DateTimeFormatter.ofPattern("dd MMM yyyy", Locale.ENGLISH);

    private ChatTemplate() {
    }

    /** Today's date in the template's {@code strftime_now("%d %b %Y")} form, e.g. "26 Jul 2024". */
    public static String today() {
        return today(Clock.systemDefaultZone());
    }

    /** {@link #today()} for a given clock (tests, or a server that fixes the zone). */
    public static String today(Clock clock) {
        return LocalDate.now(clock).format(DATE_FORMAT);
    }

    /**
     * Renders the conversation with the template's default {@code tools_in_user_message=true}.
     *
     * @param messages            the conversation, in order
     * @param tools               the tool definitions as JSON values (usually OpenAI's
     *                            {@code {"type":"function","function":{…}}} maps), or null for none
     * @param addGenerationPrompt append the assistant header the model continues from
     * @param dateString          the "Today Date" text; null means {@link #today()}
     * @return maximal segments: no two adjacent {@link Segment.Text}s and no empty one
     * @throws IllegalArgumentException with the template's {@code raise_exception} message, or
     *                                  naming a message whose content cannot be rendered
     */
    public static List<Segment> render(List<ChatMessage> messages, List<?> tools, boolean addGenerationPrompt,
                                       String dateString) {
        return render(messages, tools, addGenerationPrompt, dateString, true);
    }

    /** {@link #render(List, List, boolean, String)} with the template's {@code tools_in_user_message} variable. */
    public static List<Segment> render(List<ChatMessage> messages, List<?> tools, boolean addGenerationPrompt,
                                       String dateString, boolean toolsInUserMessage) {
        if (messages == null) throw new IllegalArgumentException("chat template: messages is null");
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage m = messages.get(i);
            if (m == null) throw new IllegalArgumentException("chat template: message " + i + " is null");
            if (m.role() == null) throw new IllegalArgumentException("chat template: message " + i + " has no role");
        }
        String date = dateString != null ? dateString : today();
        SegmentWriter out = new SegmentWriter();
        int next = 0;

        out.special(BEGIN_OF_TEXT);
        String systemMessage = "";
        if (!messages.isEmpty() && messages.getFirst().role().equals("system")) {
            systemMessage = trimmedContent(messages.getFirst(), 0);
            next = 1;
        }

        header(out, "system");
        if (tools != null) out.text("Environment: ipython\n");
        out.text("Cutting Knowledge Date: December 2023\n");
        out.text("Today Date: " + date + "\n\n");
        if (tools != null && !toolsInUserMessage) {
            out.text("You have access to the following functions. To call a function, please respond with JSON for a function call.");
            out.text("Respond in the format {\"name\": function name, \"parameters\": dictionary of argument name and its value}.");
            out.text("Do not use variables.\n\n");
            toolList(out, tools);
        }
        out.text(systemMessage);
        out.special(EOT);

        if (toolsInUserMessage && tools != null) {
            if (next >= messages.size()) throw new IllegalArgumentException(NO_FIRST_USER_MESSAGE);
            String firstUserMessage = trimmedContent(messages.get(next), next);
            next++;
            header(out, "user");
            out.text("Given the following functions, please respond with a JSON for a function call ");
            out.text("with its proper arguments that best answers the given prompt.\n\n");
            out.text("Respond in the format {\"name\": function name, \"parameters\": dictionary of argument name and its value}.");
            out.text("Do not use variables.\n\n");
            toolList(out, tools);
            out.text(firstUserMessage);
            out.special(EOT);
        }

        for (int i = next; i < messages.size(); i++) {
            ChatMessage m = messages.get(i);
            String role = m.role();
            boolean toolResult = role.equals("ipython") || role.equals("tool");
            boolean hasToolCalls = !m.toolCalls().isEmpty();
            if (!toolResult && !hasToolCalls) {
                header(out, role);
                out.text(trimmedContent(m, i));
                out.special(EOT);
            } else if (hasToolCalls) {
                if (m.toolCalls().size() != 1) throw new IllegalArgumentException(SINGLE_TOOL_CALL_ONLY);
                ToolCall call = m.toolCalls().getFirst();
                header(out, "assistant");
                out.text("{\"name\": \"" + (call.name() == null ? "" : call.name()) + "\", ");
                out.text("\"parameters\": ");
                out.text(JinjaJson.toJson(call.arguments()));
                out.text("}");
                out.special(EOT);
            } else {
                header(out, "ipython");
                out.text(toolResultText(m.content()));
                out.special(EOT);
            }
        }
        if (addGenerationPrompt) header(out, "assistant");
        return out.finish();
    }

    /** The rendered prompt as one string (what a Jinja renderer would print). */
    public static String renderText(List<ChatMessage> messages, List<?> tools, boolean addGenerationPrompt,
                                    String dateString) {
        return text(render(messages, tools, addGenerationPrompt, dateString));
    }

    /** {@link #renderText(List, List, boolean, String)} with {@code tools_in_user_message}. */
    public static String renderText(List<ChatMessage> messages, List<?> tools, boolean addGenerationPrompt,
                                    String dateString, boolean toolsInUserMessage) {
        return text(render(messages, tools, addGenerationPrompt, dateString, toolsInUserMessage));
    }

    /** The rendered prompt as token ids: specials by id, each plain-text run encoded as a whole. */
    public static int[] renderIds(List<ChatMessage> messages, List<?> tools, boolean addGenerationPrompt,
                                  String dateString, TemplateTokens tokens) {
        return ids(render(messages, tools, addGenerationPrompt, dateString), tokens);
    }

    /** {@link #renderIds(List, List, boolean, String, TemplateTokens)} with {@code tools_in_user_message}. */
    public static int[] renderIds(List<ChatMessage> messages, List<?> tools, boolean addGenerationPrompt,
                                  String dateString, boolean toolsInUserMessage, TemplateTokens tokens) {
        return ids(render(messages, tools, addGenerationPrompt, dateString, toolsInUserMessage), tokens);
    }

    /** Concatenates the segments' text. */
    public static String text(List<Segment> segments) {
        StringBuilder b = new StringBuilder();
        for (Segment s : segments) b.append(s.text());
        return b.toString();
    }

    /**
     * Token ids of segments. Adjacent Text segments are joined before encoding, so that the ids
     * equal tokenizing the whole rendered string with special-token parsing on (BPE pre-tokenization
     * must see "\n\nHello" as one string, not "\n\n" and "Hello"), except inside content, where
     * special-token text stays text.
     */
    public static int[] ids(List<Segment> segments, TemplateTokens tokens) {
        IntList out = new IntList();
        StringBuilder run = new StringBuilder();
        for (Segment s : segments) {
            switch (s) {
                case Segment.Text t -> run.append(t.text());
                case Segment.Special sp -> {
                    encodeRun(run, tokens, out);
                    out.add(tokens.specialId(sp.token()));
                }
            }
        }
        encodeRun(run, tokens, out);
        return out.toArray();
    }

    private static void encodeRun(StringBuilder run, TemplateTokens tokens, IntList out) {
        if (run.isEmpty()) return;
        out.addAll(tokens.encodePlain(run.toString()));
        run.setLength(0);
    }

    private static void header(SegmentWriter out, String role) {
        out.special(START_HEADER);
        out.text(role);
        out.special(END_HEADER);
        out.text("\n\n");
    }

    private static void toolList(SegmentWriter out, List<?> tools) {
        for (Object t : tools) {
            out.text(JinjaJson.toJson(t, 4));
            out.text("\n\n");
        }
    }

    /** {@code message['content'] | trim}; absent content renders as nothing. */
    private static String trimmedContent(ChatMessage m, int index) {
        return switch (m.content()) {
            case null -> "";
            case String s -> jsTrim(s);
            default -> throw new IllegalArgumentException("chat template: content of message " + index
                    + " (role " + m.role() + ") must be a string, got " + m.content().getClass().getSimpleName());
        };
    }

    /**
     * A tool result: {@code content|tojson} when it "is mapping or is iterable" (maps, lists and
     * strings), else printed as is (numbers as JavaScript prints them; null as nothing).
     */
    private static String toolResultText(Object content) {
        return switch (content) {
            case null -> "";
            case String s -> JinjaJson.toJson(s);
            case Map<?, ?> m -> JinjaJson.toJson(m);
            case List<?> l -> JinjaJson.toJson(l);
            case Object[] a -> JinjaJson.toJson(a);
            default -> JinjaJson.toJson(content); // numbers and booleans print like their JSON form
        };
    }

    /**
     * JavaScript's {@code String.prototype.trim} (the golden renderer runs on it): strips
     * WhiteSpace (incl. U+00A0, U+FEFF and every Zs) and LineTerminator code points at both ends.
     */
    public static String jsTrim(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isJsWhitespace(s.charAt(start))) start++;
        while (end > start && isJsWhitespace(s.charAt(end - 1))) end--;
        return s.substring(start, end);
    }

    private static boolean isJsWhitespace(char c) {
        return switch (c) {
            case '\t', '\n', 0x0B, '\f', '\r', ' ', 0xA0, 0xFEFF, 0x2028, 0x2029 -> true;
            default -> Character.getType(c) == Character.SPACE_SEPARATOR;
        };
    }

    /** Collects segments, merging adjacent text and dropping empty text. */
    private static final class SegmentWriter {
        private final List<Segment> segments = new ArrayList<>();
        private final StringBuilder text = new StringBuilder();

        void text(String s) {
            text.append(s);
        }

        void special(String token) {
            flushText();
            segments.add(new Segment.Special(token));
        }

        List<Segment> finish() {
            flushText();
            return List.copyOf(segments);
        }

        private void flushText() {
            if (!text.isEmpty()) {
                segments.add(new Segment.Text(text.toString()));
                text.setLength(0);
            }
        }
    }

    /** A growable int array, so that ids are never boxed. */
    private static final class IntList {
        private int[] a = new int[256];
        private int n;

        void add(int v) {
            if (n == a.length) a = java.util.Arrays.copyOf(a, n * 2);
            a[n++] = v;
        }

        void addAll(int[] vs) {
            if (n + vs.length > a.length) a = java.util.Arrays.copyOf(a, Math.max(a.length * 2, n + vs.length));
            System.arraycopy(vs, 0, a, n, vs.length);
            n += vs.length;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }
}
