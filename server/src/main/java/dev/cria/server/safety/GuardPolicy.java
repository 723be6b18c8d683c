package dev.cria.server.safety;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which Llama Guard categories block ({@code --guard-policy}): a flagged category in the policy
 * stops the prompt or the answer; one outside it is reported ({@code "filtered": false}) and let through.
 */
public record GuardPolicy(Set<String> blocking) {
    private static final Pattern CATEGORY = Pattern.compile("S(1[0-4]|[1-9])");
    /** Every Llama Guard 3 category. */
    public static final GuardPolicy ALL = new GuardPolicy(Set.of("S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8", "S9",
            "S10", "S11", "S12", "S13", "S14"));

    public GuardPolicy {
        blocking = Set.copyOf(blocking);
    }

    /**
     * {@code all}, {@code none}, or categories separated by commas ({@code S1,S9,S10}).
     *
     * @throws IllegalArgumentException naming the first value that is not S1..S14
     */
    public static GuardPolicy parse(String text) {
        String t = text.strip();
        if (t.equalsIgnoreCase("all")) return ALL;
        if (t.equalsIgnoreCase("none")) return new GuardPolicy(Set.of());
        Set<String> out = new LinkedHashSet<>();
        for (String part : t.split(",")) {
            String k = part.strip().toUpperCase(java.util.Locale.ROOT);
            if (!CATEGORY.matcher(k).matches()) {
                throw new IllegalArgumentException("expected all, none or Llama Guard categories S1..S14 separated by commas, got '"
                        + part.strip() + "'");
            }
            out.add(k);
        }
        return new GuardPolicy(out);
    }

    public boolean blocks(List<String> categories) {
        return categories.stream().anyMatch(blocking::contains);
    }
}
