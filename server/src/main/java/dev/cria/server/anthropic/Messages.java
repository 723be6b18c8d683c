package dev.cria.server.anthropic;

import dev.cria.engine.Engine;
import dev.cria.server.anthropic.MessageShapes.Message;
import dev.cria.server.anthropic.MessageShapes.MessageUsage;
import dev.cria.server.anthropic.MessageShapes.TextBlock;
import dev.cria.server.anthropic.MessageShapes.TokenCount;
import dev.cria.server.api.ApiJson;
import dev.cria.server.generation.CollectedChoices;
import dev.cria.server.generation.CollectedChoices.ChoiceOutput;
import dev.cria.server.generation.GenerationDriver;
import dev.cria.server.generation.GenerationRun;
import dev.cria.server.generation.JsonBodyFraming;
import dev.cria.server.generation.SseFraming;
import dev.cria.server.safety.ContentSafety;
import dev.cria.server.safety.FilterOutcome;
import dev.cria.server.safety.GuardedAnswers;
import dev.cria.server.serving.CpuWork;
import dev.cria.server.serving.ServerState;
import io.javalin.http.Context;

import java.util.List;

/**
 * The Anthropic Messages API: {@code POST /v1/messages} (a whole Message, or its event stream with
 * {@code "stream": true}) and {@code POST /v1/messages/count_tokens}. A thin translation: requests
 * become the engine's chat messages and tools ({@link MessagesRequest}), the generation runs through
 * the shared {@link GenerationDriver}, and its end becomes a stop_reason ({@link MessageEnding}).
 * Errors on these routes take Anthropic's shape ({@link AnthropicErrors}).
 */
public final class Messages {
    /** The routes' common prefix: the server answers errors under it in Anthropic's shape. */
    public static final String PATH = "/v1/messages";

    /** Anthropic's stop_reason for an answer its safety classifiers stopped ("Streaming refusals"). */
    static final String REFUSAL = "refusal";

    private final ServerState state;
    private final ContentSafety safety;

    public Messages(ServerState state) {
        this(state, ContentSafety.off());
    }

    /** With content filtering: a blocked prompt is a 400 invalid_request_error, a blocked answer stops with "refusal". */
    public Messages(ServerState state, ContentSafety safety) {
        this.state = state;
        this.safety = safety;
    }

    public void create(Context ctx) throws Exception {
        Engine engine = state.engine();
        byte[] body = ctx.bodyAsBytes();
        MessagesRequest request = CpuWork.call(() -> MessagesRequest.create(engine, state.models(), ApiJson.parseObject(body)));
        safety.admitPrompt(request.messages());
        String id = AnthropicIds.message();
        try (GenerationRun run = GenerationRun.submit(engine, request.engineRequests(engine.info().contextLength()), state)) {
            if (request.stream()) {
                String requestId = ctx.res().getHeader("x-request-id");
                GenerationDriver.drive(run, GuardedAnswers.of(safety, new MessageStream(engine, request, id, requestId),
                        (i, answer) -> safety.judgeAnswer(request.messages(), answer), run, true, request.prompt().length),
                        SseFraming.unterminated(ctx));
            } else {
                GenerationDriver.drive(run, new CollectedChoices(outs -> message(engine, request, id, outs.getFirst())),
                        new JsonBodyFraming(ctx));
            }
        }
    }

    /** The prompt's tokens as {@code create} would render them: input_tokens + cache_read_input_tokens of its usage. */
    public void countTokens(Context ctx) throws Exception {
        Engine engine = state.engine();
        byte[] body = ctx.bodyAsBytes();
        MessagesRequest request = CpuWork.call(() -> MessagesRequest.count(engine, state.models(), ApiJson.parseObject(body)));
        ctx.contentType("application/json");
        ctx.result(ApiJson.bytes(new TokenCount(request.prompt().length)));
    }

    private Message message(Engine engine, MessagesRequest request, String id, ChoiceOutput out) {
        FilterOutcome outcome = safety.active() ? safety.judgeAnswer(request.messages(), out.text()) : FilterOutcome.NOT_RUN;
        if (outcome.blocked()) {
            // Anthropic's refusal: no content, stop_reason "refusal", the usage still counted.
            return Message.of(id, request.model(), List.of(), REFUSAL, null,
                    MessageUsage.of(request.prompt().length, out.usage().cachedTokens(), out.usage().completionTokens()));
        }
        StopSequences stops = new StopSequences(request.stopSequences());
        stops.addAll(out.logprobs());
        MessageEnding ending = MessageEnding.of(engine, request, out.text(), out.reason(), stops.matched());
        List<Object> content = !ending.toolUses().isEmpty() ? List.copyOf(ending.toolUses())
                : out.text().isEmpty() ? List.of() : List.of(TextBlock.of(out.text()));
        return Message.of(id, request.model(), content, ending.stopReason(), ending.stopSequence(),
                MessageUsage.of(request.prompt().length, out.usage().cachedTokens(), out.usage().completionTokens()));
    }
}
