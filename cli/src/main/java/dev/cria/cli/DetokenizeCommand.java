package dev.cria.cli;

import dev.cria.loader.ModelLoader;
import dev.cria.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code cria detokenize MODEL ID...}: the text of the ids (special tokens as their text). */
@Command(name = "detokenize", mixinStandardHelpOptions = true, description = "Print the text of token ids.")
final class DetokenizeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "GGUF file or Hugging Face folder") Path model;
    @Parameters(index = "1..*", arity = "1..*", paramLabel = "ID") int[] ids;

    @Override
    public Integer call() {
        Tokenizer t = ModelLoader.loadTokenizer(model);
        for (int id : ids) {
            if (id < 0 || id >= t.vocabSize()) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary (0.." + (t.vocabSize() - 1) + ")");
            }
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        out.println(t.decode(ids));
        return 0;
    }
}
