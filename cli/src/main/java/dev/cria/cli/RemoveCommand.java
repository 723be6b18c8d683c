package dev.cria.cli;

import dev.cria.hub.HubClient;
import dev.cria.hub.ModelRef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code cria rm MODEL...}: takes models out of the Hugging Face cache (a blob goes when no snapshot links to it). */
@Command(name = "rm", mixinStandardHelpOptions = true,
        description = {"Remove models from the Hugging Face cache.",
                "org/name:QUANT or org/name/FILE removes that file; org/name removes the whole repository's folder."})
final class RemoveCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "MODEL", description = "org/name[:QUANT] or org/name/FILE")
    List<String> models;

    @Override
    public Integer call() {
        HubClient hub = HubModels.client();
        int code = 0;
        for (String model : models) {
            List<String> removed = hub.remove(ModelRef.parse(model, null));
            if (removed.isEmpty()) {
                System.err.println("cria: " + model + " is not in the cache (" + hub.settings().cacheDir() + ")");
                code = 1;
            }
            for (String r : removed) System.out.println("removed " + r);
        }
        return code;
    }
}
