package dev.cria.guard;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What Llama Guard answered: {@code safe}, or {@code unsafe} and the violated categories
 * ({@code S1}..{@code S14}) from its second line. {@code readable} is false when the output was
 * neither (a Guard model that was cut short or is not a Guard model): the filter then did not run.
 */
public record GuardVerdict(boolean readable, boolean safe, List<String> categories, String output) {
    private static final Pattern CATEGORY = Pattern.compile("S\\d{1,2}");

    public GuardVerdict {
        categories = List.copyOf(categories);
    }

    /**
     * Reads the model's output: leading whitespace (the 1B model starts with "\n\n") is skipped, the
     * first line must be {@code safe} or {@code unsafe}; after {@code unsafe} the next line lists
     * categories separated by commas (spaces tolerated). Anything else is unreadable.
     */
    public static GuardVerdict parse(String output) {
        String s = output.strip();
        String[] lines = s.split("\n", -1);
        String first = lines[0].strip();
        if (first.equals("safe")) return new GuardVerdict(true, true, List.of(), output);
        if (!first.equals("unsafe")) return new GuardVerdict(false, false, List.of(), output);
        List<String> cats = new ArrayList<>();
        if (lines.length > 1) {
            for (String c : lines[1].split(",")) {
                String k = c.strip();
                if (k.isEmpty()) continue;
                if (!CATEGORY.matcher(k).matches()) return new GuardVerdict(false, false, List.of(), output);
                if (!cats.contains(k)) cats.add(k);
            }
        }
        return new GuardVerdict(true, false, cats, output);
    }
}
