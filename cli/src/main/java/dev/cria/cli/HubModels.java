package dev.cria.cli;

import dev.cria.hub.HubClient;
import dev.cria.hub.HubException;
import dev.cria.hub.ModelRef;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the commands that take MODEL find it: a local GGUF file or folder as before, else a Hub
 * model ({@code org/name[:QUANT]}, {@code org/name/FILE}) from the Hugging Face cache, pulled with a
 * progress bar the first time. A cached model starts without the network (as {@code ollama run}).
 */
final class HubModels {
    /** The environment the Hub settings come from (HF_HOME, HF_TOKEN, HF_ENDPOINT, HF_HUB_OFFLINE); tests put a map here. */
    static Map<String, String> environment = System.getenv();

    private HubModels() {}

    static HubClient client() {
        return HubClient.fromEnvironment(environment);
    }

    /** The local path a MODEL argument names, pulling a Hub model that is not cached yet. */
    static Path localModel(Path model) {
        if (Files.exists(model)) return model;
        String spec = model.toString();
        if (!ModelRef.looksLikeHubModel(spec)) throw new IllegalArgumentException("no such model file or folder: " + model);
        ModelRef ref = ModelRef.parse(spec, null);
        try (PullProgress progress = PullProgress.onStderr()) {
            return client().cachedOrPull(ref, progress);
        } catch (HubException e) {
            // The argument may have been a mistyped local path: say both.
            boolean noRepo = e.reason() == HubException.Reason.NOT_FOUND && e.getMessage().startsWith("no repository");
            if (noRepo || e.reason() == HubException.Reason.NETWORK && e.getMessage().startsWith("cannot reach")) {
                throw new HubException(e.reason(), "no such model file or folder: " + model + ", and " + e.getMessage(), e);
            }
            throw e;
        }
    }
}
