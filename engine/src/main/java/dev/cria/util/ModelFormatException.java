package dev.cria.util;

/**
 * A model file or folder that Cria cannot load, with a one-line message that names the
 * problem (and the key or tensor). Callers print {@link #getMessage()}; never a stack trace.
 *
 * <p>Every message that quotes text read from a model file (a key, a tensor name, a string value)
 * quotes it with {@link #quote}, so a corrupt file can neither flood the terminal nor write
 * escape sequences or binary bytes to it.
 */
public class ModelFormatException extends RuntimeException {
    /** Characters a quote of file text prints at most, escapes included; the rest is counted, not printed. */
    public static final int QUOTE_LIMIT = 200;

    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Text from a model file as it may appear in a one-line message: in single quotes, at most
     * {@link #QUOTE_LIMIT} printed characters (then "…" and the full length), with control characters,
     * other non-printables, the replacement character of undecodable UTF-8, backslash and quote
     * escaped (a backslash, then {@code u} and four hex digits; {@code \\}; {@code \'}), so a name made of
     * terminal escape sequences prints as their escapes.
     */
    public static String quote(String fileText) {
        if (fileText == null) return "(none)";
        StringBuilder b = new StringBuilder(Math.min(fileText.length(), QUOTE_LIMIT) + 32).append('\'');
        int i = 0;
        while (i < fileText.length()) {
            int cp = fileText.codePointAt(i);
            String shown;
            if (cp == '\\' || cp == '\'') {
                shown = "\\" + (char) cp;
            } else if (printable(cp)) {
                shown = Character.toString(cp);
            } else {
                StringBuilder e = new StringBuilder();
                for (char c : Character.toChars(cp)) e.append(String.format("\\u%04X", (int) c));
                shown = e.toString();
            }
            if (b.length() - 1 + shown.length() > QUOTE_LIMIT) break; // the limit counts what is printed, escapes included
            b.append(shown);
            i += Character.charCount(cp);
        }
        b.append('\'');
        if (i < fileText.length()) b.append("… (").append(fileText.length()).append(" characters)");
        return b.toString();
    }

    private static boolean printable(int cp) {
        if (cp == 0xFFFD) return false; // what UTF-8 decoding left of invalid bytes: show that it was there
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.UNASSIGNED, Character.SURROGATE, Character.PRIVATE_USE,
                 Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> false;
            case Character.SPACE_SEPARATOR -> cp == ' ';
            default -> true;
        };
    }
}
