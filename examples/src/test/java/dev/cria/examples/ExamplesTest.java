package dev.cria.examples;

import dev.cria.api.Cria;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The examples run on the tiny random-weight model: their answers are gibberish, but every step runs. */
class ExamplesTest {
    private static final Path MODEL = Path.of(System.getProperty("cria.testdata", "testdata"), "models/tiny-llama3-Q8_0.gguf");

    @Test
    void theConsoleChatAnswersEachLineUntilExit() throws Exception {
        InputStream stdin = System.in;
        PrintStream stdout = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setIn(new ByteArrayInputStream("Hello\nAnd again\n/exit\n".getBytes(StandardCharsets.UTF_8)));
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            ConsoleChat.main(new String[] {MODEL.toString(), "8"});
        } finally {
            System.setIn(stdin);
            System.setOut(stdout);
        }

        assertThat(out.toString(StandardCharsets.UTF_8).split("> ", -1)).hasSize(4); // three prompts, two answers
    }

    @Test
    void theWeatherAssistantGivesAnAdviceRecord() {
        try (Cria cria = Cria.open(MODEL)) {
            WeatherAssistant.Advice advice = WeatherAssistant.advise(cria, "Oslo");

            assertThat(advice).isNotNull();
            assertThat(advice.city()).isNotNull();
        }
    }
}
