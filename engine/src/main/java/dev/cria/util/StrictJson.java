package dev.cria.util;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Strict JSON (RFC 8259) reading, on Jackson, for the model files the engine reads itself
 * (config.json, generation_config.json, tokenizer.json, tokenizer_config.json, safetensors headers)
 * and for JSON the model writes (tool calls).
 *
 * <p>Values come out as plain Java: object → {@code LinkedHashMap<String,Object>} (key order kept),
 * array → {@code ArrayList<Object>}, string → String, integer → Long, or BigInteger when it does not
 * fit a long (so a large id is never wrapped or rounded), other numbers → Double, true/false →
 * Boolean, null → null.
 *
 * <p>Rejected, each with one line naming line and column: nesting deeper than
 * {@link #MAX_NESTING_DEPTH} (Jackson counts depth and stops; nothing recurses without bound), a
 * repeated key in one object (RFC 8259 §4 leaves it undefined; a file that says two things is
 * wrong), leading zeros ({@code 01}), a bare decimal point ({@code 1.}), NaN/Infinity, comments, and
 * anything after the value.
 */
public final class StrictJson {
    /**
     * Far above any real model file (Llama 3's tokenizer.json nests 5 deep) and any tool call, far
     * below what overflows a thread stack in a recursive reader of the result.
     */
    public static final int MAX_NESTING_DEPTH = 512;
    /**
     * The longest string: above the longest in real model files (a chat template of a few KB;
     * Llama 3's 9 MB tokenizer.json has none over 130 chars) and the server's default 8 MiB body.
     */
    public static final int MAX_STRING_CHARS = 10_000_000;
    /**
     * The longest number literal: 20 digits hold any 64-bit id, 25 chars any double as Python or
     * JavaScript print it; Jackson's default (1000) would let a request cost quadratic BigInteger work.
     */
    public static final int MAX_NUMBER_CHARS = 100;

    /** Thread-safe once built; parsers it makes are not shared. */
    private static final JsonFactory FACTORY = newFactory();

    private StrictJson() {
    }

    /**
     * A new factory with these limits and duplicate-key detection; a module builds its one mapper
     * on it (the engine here, the server's API mapper), so every JSON reader in Cria is this strict.
     */
    public static JsonFactory newFactory() {
        return JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .maxStringLength(MAX_STRING_CHARS)
                        .maxNumberLength(MAX_NUMBER_CHARS)
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
    }

    /** Parses one JSON document; throws {@link IllegalArgumentException} with a one-line reason on bad input. */
    public static Object parse(String text) {
        try (JsonParser p = FACTORY.createParser(text)) {
            return document(p);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(describe(e), e);
        } catch (IOException e) { // a String does no I/O
            throw new UncheckedIOException(e);
        }
    }

    /** {@link #parse(String)} of UTF-8 bytes (malformed UTF-8 is an error too). */
    public static Object parse(byte[] utf8) {
        try (JsonParser p = FACTORY.createParser(utf8)) {
            return document(p);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(describe(e), e);
        } catch (IOException e) { // Jackson reports bad UTF-8 as a CharConversionException
            throw new IllegalArgumentException("JSON: " + oneLine(e.getMessage()), e);
        }
    }

    private static Object document(JsonParser p) throws IOException {
        if (p.nextToken() == null) throw new IllegalArgumentException("JSON: empty document");
        Object v = value(p);
        JsonToken after = p.nextToken();
        if (after != null) {
            JsonLocation at = p.currentTokenLocation();
            throw new IllegalArgumentException("JSON: " + after.asString() + " after the value at line " + at.getLineNr()
                    + ", column " + at.getColumnNr());
        }
        return v;
    }

    /**
     * The value at the current token. Recursion is as deep as the document, which the parser
     * stops at {@link #MAX_NESTING_DEPTH} before this method sees it.
     */
    private static Object value(JsonParser p) throws IOException {
        return switch (p.currentToken()) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                for (String key = p.nextFieldName(); key != null; key = p.nextFieldName()) {
                    p.nextToken();
                    m.put(key, value(p));
                }
                yield m;
            }
            case START_ARRAY -> {
                List<Object> a = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) a.add(value(p));
                yield a;
            }
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? (Object) p.getBigIntegerValue()
                    : (Object) p.getLongValue();
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new IllegalStateException("JSON: unexpected " + p.currentToken()); // the parser allows no other
        };
    }

    /** {@link #parse(String)} of a document that must be an object. */
    public static Map<String, Object> parseObject(String text) {
        return asObject(parse(text));
    }

    /** {@link #parse(byte[])} of a document that must be an object. */
    public static Map<String, Object> parseObject(byte[] utf8) {
        return asObject(parse(utf8));
    }

    /**
     * Reads a model file that must hold one JSON object; any problem (missing, unreadable, not
     * JSON, too deep, not an object) is a {@link ModelFormatException} whose one line starts with
     * {@code where} (how the caller names the file, e.g. "tiny-llama3/config.json").
     */
    public static Map<String, Object> readObjectFile(Path file, String where) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(where + ": no such file");
        } catch (IOException e) {
            throw new ModelFormatException(where + ": cannot read: " + oneLine(e.getMessage()));
        }
        try {
            return parseObject(bytes);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(where + ": " + e.getMessage());
        }
    }

    /**
     * A parsed value as compact JSON for an error message, cut after {@code maxChars} with "...":
     * {@code ["a"]} reads better than Java's {@code [a]}, and a whole vocabulary must not land in a log.
     */
    public static String brief(Object value, int maxChars) {
        String s = toJson(value);
        return s.length() <= maxChars ? s : s.substring(0, maxChars) + "...";
    }

    /** Plain values (as {@link #parse} yields them) as compact JSON; other objects as their string. */
    public static String toJson(Object value) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            write(g, value);
        } catch (IOException e) { // a StringWriter does no I/O
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void write(JsonGenerator g, Object v) throws IOException {
        switch (v) {
            case null -> g.writeNull();
            case Map<?, ?> m -> {
                g.writeStartObject();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    g.writeFieldName(String.valueOf(e.getKey()));
                    write(g, e.getValue());
                }
                g.writeEndObject();
            }
            case List<?> list -> {
                g.writeStartArray();
                for (Object item : list) write(g, item);
                g.writeEndArray();
            }
            case Boolean b -> g.writeBoolean(b);
            case Long l -> g.writeNumber(l);
            case Double d -> g.writeNumber(d);
            case BigInteger i -> g.writeNumber(i);
            case BigDecimal d -> g.writeNumber(d);
            case Number n -> g.writeNumber(n.toString());
            default -> g.writeString(String.valueOf(v));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asObject(Object v) {
        if (!(v instanceof Map)) throw new IllegalArgumentException("JSON: expected an object at top level");
        return (Map<String, Object>) v;
    }

    /** "JSON: what, at line L, column C": Jackson's own messages carry the source and a newline. */
    private static String describe(JsonProcessingException e) {
        StringBuilder b = new StringBuilder("JSON: ").append(oneLine(e.getOriginalMessage()));
        JsonLocation at = e.getLocation();
        if (at != null && at.getLineNr() > 0) {
            b.append(" at line ").append(at.getLineNr()).append(", column ").append(at.getColumnNr());
        }
        return b.toString();
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
