package dev.cria.server.ollama;

import dev.cria.server.api.ApiError;
import dev.cria.server.api.ApiStyle;
import dev.cria.server.api.ServedModels;

import java.util.List;

/**
 * Ollama's model names ({@code model:tag}, "The tag is optional and, if not provided, will default
 * to {@code latest}") over the names Cria serves the model under (the id and aliases of
 * {@code /v1}). A served name is accepted as it is and with {@code :latest}; {@code /api/tags} lists
 * each with {@code :latest}, unless it has a tag of its own. So {@code --alias llama3.2} serves the
 * name Ollama clients default to, as {@code llama3.2} and {@code llama3.2:latest}.
 */
final class OllamaNames {
    static final String LATEST_TAG = ":latest";

    private OllamaNames() {
    }

    /** {@code requested} when it names the served model; else Ollama's 404 {@code model 'x' not found}. */
    static String resolve(ServedModels served, String requested) {
        if (served.serves(requested, ApiStyle.OPENAI)) return requested;
        if (requested.endsWith(LATEST_TAG)
                && served.serves(requested.substring(0, requested.length() - LATEST_TAG.length()), ApiStyle.OPENAI)) {
            return requested;
        }
        throw ApiError.notFound("model '" + requested + "' not found");
    }

    /** The names {@code /api/tags} and {@code /api/ps} list, the primary id first. */
    static List<String> listed(ServedModels served) {
        return served.listed(ApiStyle.OPENAI).stream().map(n -> n.contains(":") ? n : n + LATEST_TAG).toList();
    }
}
