package dev.cria.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The spinner cria chat shows on a terminal until the first token. */
class SpinnerTest {
    @Test
    void spinsInPlaceAndLeavesNothingBehindOnceStopped() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Spinner spinner = Spinner.start(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        Thread.sleep(350);
        spinner.stop();
        String printed = bytes.toString(StandardCharsets.UTF_8);
        Thread.sleep(150);

        assertThat(printed).startsWith("⠋\b⠙").endsWith("\b \b");
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(printed);
    }
}
