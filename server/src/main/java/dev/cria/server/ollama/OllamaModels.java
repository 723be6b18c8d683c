package dev.cria.server.ollama;

import dev.cria.engine.ModelInfo;
import dev.cria.server.api.ApiJson;
import dev.cria.server.api.RequestFields;
import dev.cria.server.api.ServedModels;
import dev.cria.server.serving.ServerState;
import io.javalin.http.Context;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ollama's model endpoints over the one served model: {@code GET /api/version}, {@code GET
 * /api/tags} (every served name, see {@link OllamaNames}), {@code POST /api/show} and {@code GET
 * /api/ps} (the model is always loaded: it expires never).
 */
public final class OllamaModels {
    /**
     * The Ollama release whose API this one follows (structured {@code format}, {@code tool_calls},
     * {@code done_reason}, {@code /api/ps}); clients that check the version see one that has them.
     */
    static final String API_VERSION = "0.5.0";
    /** {@code expires_at} of a model that stays loaded until the server stops. */
    static final String NEVER = "9999-12-31T23:59:59Z";

    private final ServerState state;

    public OllamaModels(ServerState state) {
        this.state = state;
    }

    public void version(Context ctx) {
        json(ctx, new OllamaShapes.Version(API_VERSION));
    }

    public void tags(Context ctx) {
        ServedModels served = state.models();
        ModelFile file = ModelFile.of(state.engine().info(), served);
        List<OllamaShapes.LocalModel> models = OllamaNames.listed(served).stream()
                .map(name -> new OllamaShapes.LocalModel(name, name, file.modifiedAt(), file.size(), file.digest(), file.details()))
                .toList();
        json(ctx, new OllamaShapes.ModelList(models));
    }

    public void ps(Context ctx) {
        ServedModels served = state.models();
        ModelInfo info = state.engine().info();
        ModelFile file = ModelFile.of(info, served);
        String name = OllamaNames.listed(served).getFirst();
        json(ctx, new OllamaShapes.ModelList(List.of(new OllamaShapes.RunningModel(name, name, file.size(), file.digest(),
                file.details(), NEVER, 0, info.contextLength()))));
    }

    /**
     * {@code model} (or the older {@code name}) → its card. {@code model_info} holds what the model
     * file says, except {@code <arch>.context_length}: it is the context this server gives a request
     * ({@code --ctx-size}), the one a client must fit its prompts in. {@code template} is empty: the
     * template is the model's own, applied by the server. {@code verbose} adds nothing.
     */
    public void show(Context ctx) {
        ServedModels served = state.models();
        ModelInfo info = state.engine().info();
        RequestFields f = RequestFields.of(ApiJson.parseObject(ctx.bodyAsBytes()));
        String requested = f.string("model") != null ? f.string("model") : f.requiredString("name");
        f.bool("verbose");
        OllamaNames.resolve(served, requested);
        ModelFile file = ModelFile.of(info, served);
        Map<String, Object> modelInfo = new LinkedHashMap<>();
        modelInfo.put("general.architecture", info.architecture());
        modelInfo.put("general.name", info.name());
        modelInfo.put("general.parameter_count", info.parameterCount());
        modelInfo.put(info.architecture() + ".context_length", info.contextLength());
        modelInfo.put(info.architecture() + ".vocab_size", info.vocabSize());
        String modelfile = "# Served by Cria: the model's own chat template is applied by the server.\nFROM " + info.path() + "\n";
        json(ctx, new OllamaShapes.ModelCard("", modelfile, "num_ctx " + info.contextLength(), "", file.details(), modelInfo,
                List.of("completion", "tools"), file.modifiedAt()));
    }

    private static void json(Context ctx, Object body) {
        ctx.contentType("application/json");
        ctx.result(ApiJson.bytes(body));
    }
}
