package dev.cria.server.api;

import dev.cria.engine.ModelInfo;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The names the loaded model answers to. Under {@code /v1}: the model id ({@code --model-id}, else
 * general.name) and the aliases; under {@code /v3/openai}: the provider's id (for example
 * {@code meta-llama/llama-3.2-3b-instruct}) as well. Any other {@code model} is a 404 model_not_found.
 */
public record ServedModels(String id, List<String> aliases, String providerId, long created) {
    public ServedModels {
        aliases = List.copyOf(aliases);
    }

    /**
     * The names of a loaded model: {@code modelId} (else general.name), the aliases, and
     * {@code providerModelId} (else derived from the parameter count); nulls mean "not configured".
     */
    public static ServedModels of(ModelInfo info, String modelId, List<String> aliases, String providerModelId,
                                  long createdEpochSeconds) {
        String id = modelId != null && !modelId.isBlank() ? modelId : info.name();
        String provider = providerModelId != null ? providerModelId : providerIdFor(info);
        return new ServedModels(id, aliases, provider, createdEpochSeconds);
    }

    /** The provider's naming: Llama 3.2 comes as 1B and 3B; below 2 billion parameters it is the 1B. */
    static String providerIdFor(ModelInfo info) {
        return info.parameterCount() > 0 && info.parameterCount() < 2_000_000_000L
                ? "meta-llama/llama-3.2-1b-instruct" : "meta-llama/llama-3.2-3b-instruct";
    }

    /** The ids listed by {@code GET models}, the primary first. */
    public List<String> listed(ApiStyle style) {
        if (style == ApiStyle.PROVIDER) return List.of(providerId);
        Set<String> names = new LinkedHashSet<>();
        names.add(id);
        names.addAll(aliases);
        return new ArrayList<>(names);
    }

    public boolean serves(String name, ApiStyle style) {
        if (name == null) return false;
        return name.equals(id) || aliases.contains(name) || (style == ApiStyle.PROVIDER && name.equals(providerId));
    }

    /** The requested name when served (echoed back in responses, as OpenAI echoes it); else 404. */
    public String resolve(String name, ApiStyle style) {
        if (!serves(name, style)) throw ApiError.modelNotFound(name);
        return name;
    }
}
