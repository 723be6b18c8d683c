package dev.cria.cli;

import dev.cria.loader.ModelLoader;
import dev.cria.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code cria tokenize MODEL TEXT}: the ids as one JSON array on stdout (no BOS added). */
@Command(name = "tokenize", mixinStandardHelpOptions = true, description = "Print the token ids of TEXT as a JSON array.")
final class TokenizeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "GGUF file or Hugging Face folder") Path model;
    @Parameters(index = "1", paramLabel = "TEXT") String text;
    @Option(names = "--special", description = "Let TEXT contain control tokens such as <|eot_id|>") boolean special;

    @Override
    public Integer call() {
        Tokenizer t = ModelLoader.loadTokenizer(model);
        int[] ids = t.encode(text, special);
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < ids.length; i++) {
            if (i > 0) b.append(", ");
            b.append(ids[i]);
        }
        System.out.println(b.append(']'));
        return 0;
    }
}
