package dev.cria.server.generation;

import dev.cria.engine.FinishReason;
import dev.cria.engine.TokenLogprob;
import dev.cria.engine.Usage;
import dev.cria.server.api.ApiError;

import java.io.IOException;

/**
 * An API's half of a generation: what it sends for the events of one {@link GenerationRun}, in its
 * own shapes. {@link GenerationDriver} reads the engine's events and calls these; an endpoint
 * implements them once per request (they may keep per-request state: held text, pending logprobs,
 * usage totals) and never reads the engine itself.
 *
 * <p>The contract, which every API (OpenAI chat completions and completions, {@code /score}, and
 * the Responses, Anthropic Messages and Ollama endpoints to come) relies on:
 * <ul>
 *   <li>Calls come from the request's thread, in this order: {@link #start} once; per choice any
 *       number of {@link #text} then exactly one {@link #finish}, choices interleaved in the order
 *       their events arrive; {@link #end} once, after every choice finished.</li>
 *   <li>Choices are numbered 0..size-1 in the order the requests were submitted.</li>
 *   <li>A choice cancelled by the server (draining) or failed in the engine never reaches
 *       {@link #finish}: the driver stops the whole run and reports a 503 or 500 through
 *       {@link #error}. So {@code finish} never sees {@link FinishReason#CANCELLED}.</li>
 *   <li>Frames go to the {@link FrameSink} given, whatever the framing (SSE, NDJSON, one JSON body):
 *       the endpoint chooses the framing, the frames do not depend on it. A non-streaming endpoint
 *       usually sends its one body from {@link #end}; {@link CollectedChoices} does that for it.</li>
 *   <li>An {@link IOException} from the sink means the client is gone: let it propagate, the driver
 *       cancels the run. A {@link RuntimeException} (an {@link ApiError} for a status of its own)
 *       cancels the run and is reported like an engine failure.</li>
 * </ul>
 */
public interface GenerationFrames {
    /** Before any event: OpenAI chat's role chunks, completions' echoed prompts, Anthropic's {@code message_start}. */
    default void start(FrameSink out) throws IOException {
    }

    /**
     * New text of {@code choice}. It may be empty (a token that ends inside a multi-byte UTF-8
     * character, or one held back while it may start a stop string); {@code logprob} is that token's
     * (null unless the request asked for logprobs) and counts even when the text is empty.
     */
    void text(int choice, String text, TokenLogprob logprob, FrameSink out) throws IOException;

    /**
     * {@code choice} ended: {@code text} is its last text (the rest the engine held back, often ""),
     * {@code reason} why it ended ({@code stop} or {@code length}), {@code usage} its token counts.
     */
    void finish(int choice, String text, FinishReason reason, Usage usage, FrameSink out) throws IOException;

    /** Every choice finished: usage chunks, Anthropic's {@code message_stop}, a non-streaming body. */
    void end(FrameSink out) throws IOException;

    /**
     * The frame that reports {@code e} once a stream has begun (and its status can no longer change).
     * OpenAI's is its error envelope {@code {"error": {...}}} (sent as {@code event: error}); Anthropic's
     * is {@code {"type": "error", "error": {...}}}; Ollama's {@code {"error": "..."}}.
     */
    default Object error(ApiError e) {
        return e.envelope();
    }
}
