package dev.cria.cli;

import dev.cria.hub.HubClient;
import picocli.CommandLine.Command;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code cria list}: the models in the Hugging Face cache, by the names the other commands take. */
@Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true,
        description = "List the models in the Hugging Face cache (GGUF files and safetensors folders).")
final class ListCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        HubClient hub = HubModels.client();
        List<HubClient.CachedModel> models = hub.list();
        if (models.isEmpty()) {
            System.err.println("cria: no models in " + hub.settings().cacheDir() + " (cria pull org/name:QUANT gets one)");
            return 0;
        }
        int width = Math.max(4, models.stream().mapToInt(m -> m.name().length()).max().orElse(0));
        String row = "%-" + width + "s  %9s  %s%n";
        System.out.printf(row, "NAME", "SIZE", "COMMIT");
        for (HubClient.CachedModel m : models) System.out.printf(row, m.name(), ByteProgressLine.bytes(m.bytes()), m.commit().substring(0, Math.min(10, m.commit().length())));
        return 0;
    }
}
