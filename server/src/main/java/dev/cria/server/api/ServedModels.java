package dev.cria.server.api;

import dev.cria.engine.ModelInfo;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The names the loaded model answers to. Under {@code /v1}: the model id ({@code --model-id}, else
 * the file or folder name the user gave, as llama.cpp's server and vLLM name a model by its path)
 * and the aliases, general.name among them; under {@code /v3/openai}: the provider's id (for example
 * {@code meta-llama/llama-3.2-3b-instruct}) as well. Any other {@code model} is a 404 model_not_found.
 */
public record ServedModels(String id, List<String> aliases, String providerId, long created) {
    public ServedModels {
        aliases = List.copyOf(aliases);
    }

    /**
     * The names of a loaded model: {@code modelId}, else the model file's name without {@code .gguf}
     * (or the Hugging Face folder's name), else general.name; then the aliases, and general.name
     * too when no id was configured (it was the default id before, and it names the model the
     * way its publisher did); and {@code providerModelId} (else derived from the parameter count).
     * Nulls mean "not configured".
     */
    public static ServedModels of(ModelInfo info, String modelId, List<String> aliases, String providerModelId,
                                  long createdEpochSeconds) {
        boolean configured = modelId != null && !modelId.isBlank();
        String fileName = fileName(info.path());
        String id = configured ? modelId : fileName != null ? fileName : info.name();
        List<String> names = new ArrayList<>(aliases);
        if (!configured && info.name() != null && !info.name().isBlank()) names.add(info.name());
        names.removeIf(id::equals);
        String provider = providerModelId != null ? providerModelId : providerIdFor(info);
        return new ServedModels(id, List.copyOf(new LinkedHashSet<>(names)), provider, createdEpochSeconds);
    }

    /** "Llama-3.2-1B-Instruct-Q8_0" for ".../Llama-3.2-1B-Instruct-Q8_0.gguf", the folder name for a folder; else null. */
    static String fileName(String path) {
        if (path == null || path.isBlank()) return null;
        Path p;
        try {
            p = Path.of(path);
        } catch (InvalidPathException e) {
            return null; // "synthetic:1b:Q4_0" and the like are names, not paths
        }
        Path name = p.getFileName();
        if (name == null) return null;
        String n = name.toString();
        if (n.toLowerCase(Locale.ROOT).endsWith(".gguf") && n.length() > 5) return n.substring(0, n.length() - 5);
        return Files.isDirectory(p) ? n : null;
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
