package dev.cria.cli;

import dev.cria.io.gguf.GgufFile;
import dev.cria.loader.SyntheticModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code cria synthesize --shape 1b:Q8_0 --tokenizer-from tiny.gguf OUT.gguf}: a real-shape random-weight GGUF file. */
@Command(name = "synthesize", mixinStandardHelpOptions = true,
        description = "Write a random-weight GGUF with real Llama 3.2 shapes (for load-time and memory measurements).")
final class SynthesizeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "OUT", description = "GGUF file to write") Path out;
    @Option(names = "--shape", required = true, paramLabel = "SIZE:TYPE", description = "1b:Q8_0, 3b:Q4_0, 1b:Q4_K_M ...") String shape;
    @Option(names = "--tokenizer-from", required = true, paramLabel = "GGUF", description = "A Llama 3 GGUF whose tokenizer and chat template to copy") Path tokenizer;

    @Override
    public Integer call() throws Exception {
        try (GgufFile source = GgufFile.open(tokenizer)) {
            SyntheticModel.writeGguf(shape, source, out);
        }
        System.err.println("cria: wrote " + out);
        return 0;
    }
}
