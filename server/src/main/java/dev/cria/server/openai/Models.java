package dev.cria.server.openai;

import dev.cria.server.api.ApiJson;
import dev.cria.server.api.ApiStyle;
import dev.cria.server.api.ServedModels;
import dev.cria.server.serving.ServerState;
import io.javalin.http.Context;

import java.util.List;

/** {@code GET /v1/models} and {@code GET /v1/models/{id}} (OpenAI's model object; owned_by "cria"). */
public final class Models {
    private final ServerState state;
    private final ApiStyle style;

    public Models(ServerState state, ApiStyle style) {
        this.state = state;
        this.style = style;
    }

    public void list(Context ctx) {
        ServedModels m = state.models();
        List<OpenAiShapes.Model> data = m.listed(style).stream().map(id -> model(m, id)).toList();
        ctx.contentType("application/json");
        ctx.result(ApiJson.bytes(new OpenAiShapes.ModelList("list", data)));
    }

    public void get(Context ctx) {
        ServedModels m = state.models();
        String id = m.resolve(ctx.pathParam("id"), style);
        ctx.contentType("application/json");
        ctx.result(ApiJson.bytes(model(m, id)));
    }

    private static OpenAiShapes.Model model(ServedModels m, String id) {
        return new OpenAiShapes.Model(id, "model", m.created(), "cria");
    }
}
