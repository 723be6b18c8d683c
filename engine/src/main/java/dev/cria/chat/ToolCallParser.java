package dev.cria.chat;

import dev.cria.util.StrictJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Recognizes tool calls in a Llama 3.x model's complete output (the text of one assistant turn,
 * after generation ended). The whole output, trimmed, must be the call(s); anything else, prose that
 * merely contains JSON included, is not a tool call. Forms, as in Meta's Llama 3.1/3.2 prompt-format
 * documentation and llama.cpp's common/chat.cpp (Llama 3.x handlers):
 * <ul>
 *   <li>JSON: {@code {"name": "get_weather", "parameters": {"city": "Paris"}}} ({@code "arguments"}
 *       accepted for {@code "parameters"}, also as a JSON string holding an object, and a
 *       {@code "type": "function"} key tolerated), optionally after {@code <|python_tag|>}, several
 *       separated by {@code ;}, or a JSON array of such objects;</li>
 *   <li>pythonic list (Llama 3.2 1B/3B): {@code [get_weather(city="Paris"), get_time()]} with keyword
 *       arguments that are Python literals: strings, numbers, True/False/None, lists, tuples, dicts.</li>
 * </ul>
 * A trailing {@code <|eom_id|>} or {@code <|eot_id|>} text is ignored. Malformed input gives an empty
 * list, never an exception.
 *
 * <p>Each parsed call gets a fresh id {@code "call_" + 24 random alphanumerics} (OpenAI's
 * {@code tool_calls[].id} shape), so the server can pass them on as they are.
 */
public final class ToolCallParser {
    private static final String ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final int MAX_NESTING = 64;

    private ToolCallParser() {
    }

    /** The tool calls the output consists of, or an empty list when it is not (only) tool calls. */
    public static List<ToolCall> parse(String modelOutput) {
        if (modelOutput == null) return List.of();
        String s = modelOutput.strip();
        if (s.startsWith(ChatTemplate.PYTHON_TAG)) s = s.substring(ChatTemplate.PYTHON_TAG.length()).strip();
        for (String end : new String[] {ChatTemplate.EOM, ChatTemplate.EOT}) {
            if (s.endsWith(end)) s = s.substring(0, s.length() - end.length()).strip();
        }
        if (s.isEmpty()) return List.of();
        try {
            if (s.charAt(0) == '{') return jsonObjects(s);
            if (s.charAt(0) == '[') {
                int i = 1;
                while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
                if (i < s.length() && s.charAt(i) == '{') return jsonArray(s);
                return new Pythonic(s).callList();
            }
        } catch (RuntimeException e) { // Malformed, or StrictJson's IllegalArgumentException
            return List.of();
        }
        return List.of();
    }

    /** A new OpenAI-style call id. */
    public static String newCallId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        StringBuilder b = new StringBuilder("call_");
        for (int i = 0; i < 24; i++) b.append(ID_ALPHABET.charAt(r.nextInt(ID_ALPHABET.length())));
        return b.toString();
    }

    // ---- JSON forms --------------------------------------------------------------------------------

    /** One or more JSON objects, separated by ';' and/or whitespace. */
    private static List<ToolCall> jsonObjects(String s) {
        List<ToolCall> calls = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            if (s.charAt(i) != '{') throw new Malformed();
            int end = endOfJsonValue(s, i);
            calls.add(callFromJson(StrictJson.parse(s.substring(i, end))));
            i = end;
            boolean separator = false;
            while (i < s.length() && (Character.isWhitespace(s.charAt(i)) || (s.charAt(i) == ';' && !separator))) {
                if (s.charAt(i) == ';') separator = true;
                i++;
            }
        }
        return List.copyOf(calls);
    }

    private static List<ToolCall> jsonArray(String s) {
        if (endOfJsonValue(s, 0) != s.length()) throw new Malformed();
        if (!(StrictJson.parse(s) instanceof List<?> items) || items.isEmpty()) throw new Malformed();
        List<ToolCall> calls = new ArrayList<>();
        for (Object item : items) calls.add(callFromJson(item));
        return List.copyOf(calls);
    }

    /**
     * Index just after the object or array starting at {@code start}, skipping brackets inside
     * strings, so that several calls separated by ';' can be cut apart; nesting deeper than
     * {@link #MAX_NESTING} is no tool call (the same bound as the pythonic form's).
     */
    private static int endOfJsonValue(String s, int start) {
        int depth = 0;
        boolean inString = false;
        for (int i = start; i < s.length(); i++) {
            char c = s.charAt(i);
            if (inString) {
                if (c == '\\') i++;
                else if (c == '"') inString = false;
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                if (++depth > MAX_NESTING) throw new Malformed();
            } else if (c == '}' || c == ']') {
                if (--depth == 0) return i + 1;
            }
        }
        throw new Malformed();
    }

    private static ToolCall callFromJson(Object value) {
        if (!(value instanceof Map<?, ?> m)) throw new Malformed();
        if (!(m.get("name") instanceof String name) || name.isBlank()) throw new Malformed();
        for (Object key : m.keySet()) {
            if (!(key.equals("name") || key.equals("parameters") || key.equals("arguments") || key.equals("type"))) {
                throw new Malformed();
            }
        }
        if (m.containsKey("type") && !"function".equals(m.get("type"))) throw new Malformed();
        String argKey = m.containsKey("parameters") ? "parameters" : m.containsKey("arguments") ? "arguments" : null;
        if (argKey == null || (m.containsKey("parameters") && m.containsKey("arguments"))) throw new Malformed();
        Object args = m.get(argKey);
        if (args instanceof String json) {
            json = json.strip();
            if (json.isEmpty() || endOfJsonValue(json, 0) != json.length()) throw new Malformed();
            args = StrictJson.parse(json);
        }
        if (args == null) args = new LinkedHashMap<String, Object>();
        if (!(args instanceof Map<?, ?>)) throw new Malformed();
        return new ToolCall(newCallId(), name, args);
    }

    // ---- pythonic list -------------------------------------------------------------------------------

    /** Recursive descent over {@code [name(key=literal, ...), ...]}; the whole string must be consumed. */
    private static final class Pythonic {
        private final String s;
        private int i;
        private int nesting;

        Pythonic(String s) {
            this.s = s;
        }

        List<ToolCall> callList() {
            expect('[');
            List<ToolCall> calls = new ArrayList<>();
            ws();
            while (peek() != ']') {
                calls.add(call());
                ws();
                if (peek() == ',') { i++; ws(); } else if (peek() != ']') throw new Malformed();
            }
            i++;
            ws();
            if (i != s.length() || calls.isEmpty()) throw new Malformed();
            return List.copyOf(calls);
        }

        private ToolCall call() {
            String name = functionName();
            ws();
            expect('(');
            ws();
            Map<String, Object> args = new LinkedHashMap<>();
            while (peek() != ')') {
                String key = identifier();
                ws();
                expect('=');
                ws();
                if (args.put(key, value()) != null) throw new Malformed(); // repeated keyword
                ws();
                if (peek() == ',') { i++; ws(); } else if (peek() != ')') throw new Malformed();
            }
            i++;
            return new ToolCall(newCallId(), name, args);
        }

        /** A Python identifier, also allowing '.' and '-' inside (OpenAI names allow '-'). */
        private String functionName() {
            int start = i;
            if (!isIdentStart(peek())) throw new Malformed();
            while (i < s.length() && (isIdentPart(s.charAt(i)) || s.charAt(i) == '.' || s.charAt(i) == '-')) i++;
            return s.substring(start, i);
        }

        private String identifier() {
            int start = i;
            if (!isIdentStart(peek())) throw new Malformed();
            while (i < s.length() && isIdentPart(s.charAt(i))) i++;
            return s.substring(start, i);
        }

        private Object value() {
            if (++nesting > MAX_NESTING) throw new Malformed();
            try {
                char c = peek();
                if (c == '"' || c == '\'') return string();
                if (c == '[') return sequence('[', ']');
                if (c == '(') return sequence('(', ')');
                if (c == '{') return dict();
                if (c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9')) return number();
                String word = identifier();
                return switch (word) {
                    case "True", "true" -> Boolean.TRUE;
                    case "False", "false" -> Boolean.FALSE;
                    case "None", "null" -> null;
                    default -> throw new Malformed();
                };
            } finally {
                nesting--;
            }
        }

        private List<Object> sequence(char open, char close) {
            expect(open);
            ws();
            List<Object> out = new ArrayList<>();
            while (peek() != close) {
                out.add(value());
                ws();
                if (peek() == ',') { i++; ws(); } else if (peek() != close) throw new Malformed();
            }
            i++;
            return out;
        }

        private Map<String, Object> dict() {
            expect('{');
            ws();
            Map<String, Object> out = new LinkedHashMap<>();
            while (peek() != '}') {
                if (!(value() instanceof String key)) throw new Malformed(); // JSON keys are strings
                ws();
                expect(':');
                ws();
                out.put(key, value());
                ws();
                if (peek() == ',') { i++; ws(); } else if (peek() != '}') throw new Malformed();
            }
            i++;
            return out;
        }

        private Object number() {
            int start = i;
            if (peek() == '-' || peek() == '+') i++;
            boolean integral = true;
            int digits = 0;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c >= '0' && c <= '9') { digits++; i++; continue; }
                if (c == '.') { integral = false; i++; continue; }
                if ((c == 'e' || c == 'E') && digits > 0) {
                    integral = false;
                    i++;
                    if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) i++;
                    continue;
                }
                break;
            }
            if (digits == 0) throw new Malformed();
            String t = s.substring(start, i);
            try {
                if (integral) {
                    try {
                        return Long.parseLong(t.startsWith("+") ? t.substring(1) : t);
                    } catch (NumberFormatException tooBig) {
                        return Double.parseDouble(t);
                    }
                }
                double d = Double.parseDouble(t);
                if (Double.isInfinite(d)) throw new Malformed();
                return d;
            } catch (NumberFormatException e) {
                throw new Malformed();
            }
        }

        /** A Python string literal in single or double quotes (no prefixes, no triple quotes). */
        private String string() {
            char quote = s.charAt(i++);
            StringBuilder b = new StringBuilder();
            while (true) {
                if (i >= s.length()) throw new Malformed();
                char c = s.charAt(i++);
                if (c == quote) return b.toString();
                if (c == '\n') throw new Malformed();
                if (c != '\\') { b.append(c); continue; }
                if (i >= s.length()) throw new Malformed();
                char e = s.charAt(i++);
                switch (e) {
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case 'r' -> b.append('\r');
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case '0' -> b.append('\0');
                    case '\\', '\'', '"' -> b.append(e);
                    case '\n' -> { } // line continuation
                    case 'x' -> b.appendCodePoint(hex(2));
                    case 'u' -> b.appendCodePoint(hex(4));
                    case 'U' -> b.appendCodePoint(hex(8));
                    default -> b.append('\\').append(e); // Python keeps unknown escapes as written
                }
            }
        }

        private int hex(int n) {
            if (i + n > s.length()) throw new Malformed();
            try {
                int cp = Integer.parseUnsignedInt(s.substring(i, i + n), 16);
                if (!Character.isValidCodePoint(cp)) throw new Malformed();
                i += n;
                return cp;
            } catch (NumberFormatException e) {
                throw new Malformed();
            }
        }

        private void ws() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        }

        private char peek() {
            if (i >= s.length()) throw new Malformed();
            return s.charAt(i);
        }

        private void expect(char c) {
            if (peek() != c) throw new Malformed();
            i++;
        }

        private static boolean isIdentStart(char c) {
            return c == '_' || Character.isLetter(c);
        }

        private static boolean isIdentPart(char c) {
            return c == '_' || Character.isLetterOrDigit(c);
        }
    }

    /** Internal signal for "not a tool call"; never escapes {@link #parse}. */
    private static final class Malformed extends RuntimeException {
        Malformed() {
            super(null, null, false, false);
        }
    }
}
