package dev.cria.grammar.json;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The rules of one grammar being written. Names are GBNF words (letters, digits, {@code -}) made
 * unique with a number; a rule can be named before its body is known, which is how a recursive
 * {@code $ref} refers to itself. Identical bodies share one rule.
 */
final class GbnfRules {
    private final Map<String, String> bodies = new LinkedHashMap<>();
    private final Map<String, String> nameOfBody = new HashMap<>();

    /** A fresh name like {@code hint}, not yet defined (never one of {@link JsonRules#SHARED}). */
    String reserve(String hint) {
        StringBuilder b = new StringBuilder(hint.length());
        for (int i = 0; i < hint.length(); i++) {
            char c = hint.charAt(i);
            boolean word = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            if (word) b.append(c);
            else if (!b.isEmpty() && b.charAt(b.length() - 1) != '-') b.append('-');
        }
        if (!b.isEmpty() && b.charAt(b.length() - 1) == '-') b.setLength(b.length() - 1);
        String base = b.toString();
        if (base.isEmpty()) base = "rule";
        String name = base;
        for (int n = 2; bodies.containsKey(name) || JsonRules.SHARED.contains(name); n++) name = base + "-" + n;
        bodies.put(name, null);
        return name;
    }

    /** Takes a fixed name (root) before its body is known. */
    void claim(String name) {
        bodies.put(name, null);
    }

    void define(String name, String body) {
        bodies.put(name, body);
        nameOfBody.putIfAbsent(body, name);
    }

    /** A rule for {@code body}: an existing one with the same body, or a new one named like {@code hint}. */
    String add(String hint, String body) {
        String existing = nameOfBody.get(body);
        if (existing != null) return existing;
        String name = reserve(hint);
        define(name, body);
        return name;
    }

    /** The shared rule {@code name} (ws, string, ...), defined on first use. */
    String shared(String name, Supplier<String> body) {
        if (!bodies.containsKey(name)) {
            bodies.put(name, null);
            bodies.put(name, body.get());
        }
        return name;
    }

    boolean isDefined(String name) {
        return bodies.containsKey(name);
    }

    String text() {
        StringBuilder b = new StringBuilder();
        int width = bodies.keySet().stream().mapToInt(String::length).max().orElse(0);
        for (Map.Entry<String, String> rule : bodies.entrySet()) {
            if (rule.getValue() == null) throw new IllegalStateException("rule " + rule.getKey() + " has no body");
            b.append(rule.getKey()).append(" ".repeat(width - rule.getKey().length()))
                    .append(" ::= ").append(rule.getValue()).append('\n');
        }
        return b.toString();
    }
}
