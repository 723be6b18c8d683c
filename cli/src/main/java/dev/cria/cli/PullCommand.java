package dev.cria.cli;

import dev.cria.hub.ModelRef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code cria pull org/name[:QUANT]} or {@code cria pull org/name/FILE}: downloads a model from the
 * Hugging Face Hub into the Hugging Face cache and prints its local path on stdout (progress on
 * stderr), so a script or an init container can hand the path on.
 */
@Command(name = "pull", mixinStandardHelpOptions = true,
        description = {"Download a model from the Hugging Face Hub into the Hugging Face cache; prints its local path.",
                "MODEL: org/name:QUANT (the GGUF whose name holds QUANT, e.g. bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M), "
                        + "org/name (its one GGUF, or its safetensors model) or org/name/FILE.",
                "Environment: HF_TOKEN (gated repositories such as meta-llama's), HF_HOME or HF_HUB_CACHE (the cache, "
                        + "default ~/.cache/huggingface/hub), HF_ENDPOINT (a mirror), HF_HUB_OFFLINE=1 (the cache only)."})
final class PullCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "org/name[:QUANT] or org/name/FILE")
    String model;

    @Option(names = "--revision", defaultValue = "main", description = "Branch, tag or commit (default ${DEFAULT-VALUE})")
    String revision;

    @Override
    public Integer call() {
        ModelRef ref = ModelRef.parse(model, revision);
        Path path;
        try (PullProgress progress = PullProgress.onStderr()) {
            path = HubModels.client().pull(ref, progress);
        }
        System.out.println(path);
        return 0;
    }
}
