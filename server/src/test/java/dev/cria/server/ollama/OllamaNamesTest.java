package dev.cria.server.ollama;

import dev.cria.server.api.ApiError;
import dev.cria.server.api.ServedModels;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OllamaNamesTest {
    private static final ServedModels SERVED = new ServedModels("Llama-3.2-1B-Instruct-Q8_0", List.of("llama3.2", "llama3.2:1b"),
            "meta-llama/llama-3.2-1b-instruct", 0);

    @Test
    void aServedNameIsAcceptedAsItIsAndWithTheLatestTag() {
        assertThat(OllamaNames.resolve(SERVED, "llama3.2")).isEqualTo("llama3.2");
        assertThat(OllamaNames.resolve(SERVED, "llama3.2:latest")).isEqualTo("llama3.2:latest");
        assertThat(OllamaNames.resolve(SERVED, "Llama-3.2-1B-Instruct-Q8_0:latest")).isEqualTo("Llama-3.2-1B-Instruct-Q8_0:latest");
        assertThat(OllamaNames.resolve(SERVED, "llama3.2:1b")).isEqualTo("llama3.2:1b");
    }

    @Test
    void anyOtherNameIsOllamasNotFound() {
        for (String name : List.of("llama3.1", "llama3.2:3b", "meta-llama/llama-3.2-1b-instruct")) {
            assertThatThrownBy(() -> OllamaNames.resolve(SERVED, name)).isInstanceOfSatisfying(ApiError.class, e -> {
                assertThat(e.status()).isEqualTo(404);
                assertThat(e.getMessage()).isEqualTo("model '" + name + "' not found");
            });
        }
    }

    @Test
    void listedNamesCarryATagTheLatestUnlessTheyHaveOne() {
        assertThat(OllamaNames.listed(SERVED)).containsExactly("Llama-3.2-1B-Instruct-Q8_0:latest", "llama3.2:latest", "llama3.2:1b");
    }
}
