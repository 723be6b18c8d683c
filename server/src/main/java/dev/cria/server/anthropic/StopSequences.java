package dev.cria.server.anthropic;

import dev.cria.engine.TokenLogprob;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Which of the request's {@code stop_sequences} ended a generation (Anthropic's
 * {@code stop_sequence}). The engine cuts its output before the leftmost stop string and reports
 * only "stop", the same reason as an end-of-turn token; so this keeps the bytes of every generated
 * token (from the logprob the request asked for) and looks for the stop strings in that uncut text.
 * The leftmost occurrence is the one the engine cut at; of two starting there, the shorter one was
 * complete first. No occurrence: the model ended its turn itself.
 */
final class StopSequences {
    private final List<String> stops;
    private final ByteArrayOutputStream generated = new ByteArrayOutputStream();

    StopSequences(List<String> stops) {
        this.stops = stops;
    }

    void add(TokenLogprob token) {
        if (token != null && !stops.isEmpty()) generated.writeBytes(token.bytes());
    }

    void addAll(List<TokenLogprob> tokens) {
        tokens.forEach(this::add);
    }

    /** The stop sequence the engine cut at, or null when none occurs in the generated text. */
    String matched() {
        if (stops.isEmpty()) return null;
        String text = generated.toString(StandardCharsets.UTF_8);
        String best = null;
        int bestAt = Integer.MAX_VALUE;
        for (String s : stops) {
            int at = text.indexOf(s);
            if (at >= 0 && (at < bestAt || at == bestAt && s.length() < best.length())) {
                best = s;
                bestAt = at;
            }
        }
        return best;
    }
}
