package dev.cria.server.safety;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one content check found, and its {@code content_filter_results} in Azure OpenAI's shape:
 * hate, self_harm, sexual and violence as {@code {"filtered", "severity"}} from the Llama Guard
 * categories (hate ← S10, self_harm ← S11, sexual ← S3, S4, S12, violence ← S1, S9), plus
 * {@code llama_guard} with every category flagged (Cria's, for the categories Azure has no field for).
 * {@code jailbreak} and {@code profanity} are left out: no detector for them ran, and the shape
 * reports a detection model only when one ran (Azure leaves out models that are not enabled).
 *
 * @param ran        a classifier judged the text (false: no --guard, or nothing to judge)
 * @param readable   the classifier answered (false: it failed or its output was unreadable: not filtered)
 * @param categories the Llama Guard categories flagged, in the model's order
 * @param blocked    the policy blocks one of them
 */
public record FilterOutcome(boolean ran, boolean readable, List<String> categories, boolean blocked) {
    /** No check ran. */
    public static final FilterOutcome NOT_RUN = new FilterOutcome(false, false, List.of(), false);
    /** The classifier could not give a verdict: the content passes, marked as not filtered. */
    public static final FilterOutcome FAILED = new FilterOutcome(true, false, List.of(), false);

    private static final Map<String, Set<String>> FIELDS = fields();

    public FilterOutcome {
        categories = List.copyOf(categories);
    }

    public static FilterOutcome of(List<String> categories, GuardPolicy policy) {
        return new FilterOutcome(true, true, categories, policy.blocks(categories));
    }

    /**
     * The {@code content_filter_results} object: {@code {}} when nothing ran; Azure's
     * {@code {"error": {"code": "content_filter_error", ...}}} when the check failed; else the four
     * categories (severity {@code high} when flagged — Llama Guard's answer has no degrees — else {@code safe}).
     */
    public Map<String, Object> results(GuardPolicy policy) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (!ran) return out;
        if (!readable) {
            Map<String, Object> error = new LinkedHashMap<>(); // Azure's order: code, then message
            error.put("code", "content_filter_error");
            error.put("message", "The contents are not filtered");
            out.put("error", error);
            return out;
        }
        for (Map.Entry<String, Set<String>> f : FIELDS.entrySet()) {
            boolean flagged = categories.stream().anyMatch(f.getValue()::contains);
            boolean filtered = categories.stream().anyMatch(c -> f.getValue().contains(c) && policy.blocking().contains(c));
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("filtered", filtered);
            r.put("severity", flagged ? "high" : "safe");
            out.put(f.getKey(), r);
        }
        Map<String, Object> guard = new LinkedHashMap<>();
        guard.put("filtered", blocked);
        guard.put("categories", categories);
        out.put("llama_guard", guard);
        return out;
    }

    private static Map<String, Set<String>> fields() {
        Map<String, Set<String>> m = new LinkedHashMap<>();
        m.put("hate", Set.of("S10"));
        m.put("self_harm", Set.of("S11"));
        m.put("sexual", Set.of("S3", "S4", "S12"));
        m.put("violence", Set.of("S1", "S9"));
        return m;
    }
}
