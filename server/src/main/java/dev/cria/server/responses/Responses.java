package dev.cria.server.responses;

import dev.cria.chat.ChatMessage;
import dev.cria.engine.Engine;
import dev.cria.engine.Usage;
import dev.cria.server.api.ApiError;
import dev.cria.server.api.ApiJson;
import dev.cria.server.generation.CollectedChoices;
import dev.cria.server.generation.GenerationDriver;
import dev.cria.server.generation.GenerationRun;
import dev.cria.server.generation.JsonBodyFraming;
import dev.cria.server.generation.SseFraming;
import dev.cria.server.responses.ResponseShapes.Deleted;
import dev.cria.server.responses.ResponseShapes.Response;
import dev.cria.server.responses.ResponseShapes.ResponseUsage;
import dev.cria.server.safety.ContentSafety;
import dev.cria.server.safety.GuardedAnswers;
import dev.cria.server.serving.CpuWork;
import dev.cria.server.serving.ServerState;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The OpenAI Responses API: {@code POST /v1/responses} (a whole response object, or its event
 * stream with {@code "stream": true}), {@code GET} and {@code DELETE /v1/responses/{id}} on the
 * responses kept in a {@link ResponseStore}. A thin translation: input items become the engine's
 * chat messages ({@link ResponsesRequest}), the generation runs through the shared
 * {@link GenerationDriver}, and its end becomes output items and a status ({@link ResponseOutput}).
 * Errors take OpenAI's envelope, the server's default.
 */
public final class Responses {
    public static final String PATH = "/v1/responses";

    /** {@code incomplete_details.reason} of an answer the content filter blocked (OpenAI's documented reason). */
    static final String FILTERED = "content_filter";

    private final ServerState state;
    private final ContentSafety safety;
    private final ResponseStore store = new ResponseStore();

    public Responses(ServerState state) {
        this(state, ContentSafety.off());
    }

    /** With content filtering: a blocked prompt is a 400 {@code content_filter}, a blocked answer {@code incomplete}. */
    public Responses(ServerState state, ContentSafety safety) {
        this.state = state;
        this.safety = safety;
    }

    public void create(Context ctx) throws Exception {
        Engine engine = state.engine();
        byte[] body = ctx.bodyAsBytes();
        ResponsesRequest request = CpuWork.call(() -> ResponsesRequest.create(engine, state.models(), store, ApiJson.parseObject(body)));
        safety.admitPrompt(request.conversation());
        String id = ResponseIds.response();
        long createdAt = System.currentTimeMillis() / 1000;
        try (GenerationRun run = GenerationRun.submit(engine, request.engineRequests(engine.info().contextLength()), state)) {
            if (request.stream()) {
                GenerationDriver.drive(run, GuardedAnswers.of(safety, new ResponseEvents(engine, request, store, id, createdAt),
                        (i, answer) -> safety.judgeAnswer(request.conversation(), answer), run, true, request.prompt().length),
                        SseFraming.unterminated(ctx));
            } else {
                String messageId = ResponseIds.message();
                GenerationDriver.drive(run, new CollectedChoices(outs -> {
                    CollectedChoices.ChoiceOutput out = outs.getFirst();
                    if (safety.active() && safety.judgeAnswer(request.conversation(), out.text()).blocked()) {
                        return filtered(store, request, id, createdAt, List.of(), out.usage());
                    }
                    return complete(store, request, id, createdAt, ResponseOutput.of(engine, request, out.text(), out.reason()),
                            messageId, out.usage());
                }), new JsonBodyFraming(ctx));
            }
        }
    }

    /** {@code GET /v1/responses/{id}}: a kept response as it was answered; a 404 when none is kept under the id. */
    public void get(Context ctx) {
        ResponseStore.Stored s = store.get(ctx.pathParam("id"));
        if (s == null) throw notFound(ctx.pathParam("id"));
        ctx.contentType("application/json");
        ctx.result(ApiJson.bytes(s.response()));
    }

    /**
     * {@code GET /v1/responses/{id}/input_items}: a kept response's own input items (not an earlier
     * response's that {@code previous_response_id} continued), in OpenAI's list shape
     * ({@code object} "list", {@code data}, {@code first_id}, {@code last_id}, {@code has_more}), paged
     * by {@code limit} (1..100, default 20), {@code order} ({@code desc}, the default: newest first, or
     * {@code asc}) and {@code after} (an item id of the list in that order); a 404 when none is kept.
     */
    public void inputItems(Context ctx) {
        String id = ctx.pathParam("id");
        ResponseStore.Stored s = store.get(id);
        if (s == null) throw notFound(id);
        String limitText = ctx.queryParam("limit");
        int limit = 20;
        if (limitText != null) {
            try {
                limit = Integer.parseInt(limitText);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > 100) {
                throw ApiError.badRequest("Invalid 'limit': expected an integer from 1 to 100, but got '"
                        + brief(limitText) + "' instead.", "limit", "invalid_value");
            }
        }
        String order = ctx.queryParam("order");
        if (order != null && !order.equals("asc") && !order.equals("desc")) {
            throw ApiError.badRequest("Invalid value: '" + brief(order) + "'. Supported values are: 'asc' and 'desc'.",
                    "order", "invalid_value");
        }
        List<Map<String, Object>> items = new ArrayList<>(s.inputItems());
        if (!"asc".equals(order)) Collections.reverse(items);
        int from = 0;
        String after = ctx.queryParam("after");
        if (after != null) {
            from = -1;
            for (int i = 0; i < items.size() && from < 0; i++) {
                if (after.equals(items.get(i).get("id"))) from = i + 1;
            }
            if (from < 0) {
                throw ApiError.badRequest("Invalid 'after': no input item with id '" + brief(after)
                        + "' in response '" + id + "'.", "after", "invalid_value");
            }
        }
        List<Map<String, Object>> page = items.subList(from, Math.min(items.size(), from + limit));
        Map<String, Object> list = new LinkedHashMap<>();
        list.put("object", "list");
        list.put("data", page);
        list.put("first_id", page.isEmpty() ? null : page.getFirst().get("id"));
        list.put("last_id", page.isEmpty() ? null : page.getLast().get("id"));
        list.put("has_more", from + page.size() < items.size());
        ctx.contentType("application/json");
        ctx.result(ApiJson.bytes(list));
    }

    /** A query parameter as an error message quotes it: at most 64 characters. */
    private static String brief(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }

    /** {@code DELETE /v1/responses/{id}}: forgets a kept response (continuing from it is then a 404). */
    public void delete(Context ctx) {
        String id = ctx.pathParam("id");
        if (!store.delete(id)) throw notFound(id);
        ctx.contentType("application/json");
        ctx.result(ApiJson.bytes(Deleted.of(id)));
    }

    /**
     * The finished response object; with {@code store} it is kept with its conversation (input after
     * any previous response's, then output), which {@code previous_response_id} continues.
     */
    static Response complete(ResponseStore store, ResponsesRequest request, String id, long createdAt,
                             ResponseOutput output, String messageId, Usage usage) {
        ResponseUsage u = ResponseUsage.of(request.prompt().length, usage.cachedTokens(), usage.completionTokens());
        Response response = request.response(id, createdAt, output.status(), output.items(messageId), u);
        if (request.store()) {
            List<ChatMessage> conversation = new ArrayList<>(request.conversation());
            conversation.addAll(output.messages());
            store.put(response, conversation, request.inputItems());
        }
        return response;
    }

    /**
     * The response to an answer the content filter blocked: {@code incomplete}, {@code incomplete_details.reason}
     * {@code content_filter}, {@code output} what was already streamed (nothing when not streamed). Kept with
     * its input only: the blocked answer is not part of a conversation continued from it.
     */
    static Response filtered(ResponseStore store, ResponsesRequest request, String id, long createdAt, List<Object> items,
                             Usage usage) {
        ResponseUsage u = ResponseUsage.of(request.prompt().length, usage.cachedTokens(), usage.completionTokens());
        Response response = request.response(id, createdAt, "incomplete", FILTERED, items, u);
        if (request.store()) store.put(response, new ArrayList<>(request.conversation()));
        return response;
    }

    private static ApiError notFound(String id) {
        return new ApiError(404, "invalid_request_error", "No response found with id '" + id + "'.", null, "not_found");
    }
}
