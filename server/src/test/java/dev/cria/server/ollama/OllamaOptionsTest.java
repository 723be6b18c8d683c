package dev.cria.server.ollama;

import dev.cria.engine.GenerationRequest;
import dev.cria.server.api.ApiError;
import dev.cria.server.api.ApiJson;
import dev.cria.server.api.RequestFields;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OllamaOptionsTest {
    private static OllamaOptions options(String json) {
        return OllamaOptions.read(RequestFields.of(ApiJson.parseObject(("{\"options\":" + json + "}").getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void samplingDefaultsAreOllamas() {
        OllamaOptions o = options("{}");

        assertThat(o.sampling().temperature()).isEqualTo(0.8);
        assertThat(o.sampling().topK()).isEqualTo(40);
        assertThat(o.sampling().topP()).isEqualTo(0.9);
        assertThat(o.sampling().repetitionPenalty()).isEqualTo(1.0);
    }

    @Test
    void samplerOptionsMapToTheSampler() {
        OllamaOptions o = options("{\"temperature\":0,\"top_k\":5,\"top_p\":0.5,\"min_p\":0.1,\"seed\":7,\"repeat_penalty\":1.2,"
                + "\"stop\":[\"\\n\"]}");

        assertThat(o.sampling().isGreedy()).isTrue();
        assertThat(o.sampling().topK()).isEqualTo(5);
        assertThat(o.sampling().seed()).isEqualTo(7L);
        assertThat(o.sampling().repetitionPenalty()).isEqualTo(1.2);
        assertThat(o.stop()).containsExactly("\n");
    }

    @Test
    void numCtxBoundsTheContextButNeverRaisesIt() {
        assertThat(options("{\"num_ctx\":512}").context(8192)).isEqualTo(512);
        assertThat(options("{\"num_ctx\":131072}").context(8192)).isEqualTo(8192);
        assertThat(options("{}").context(8192)).isEqualTo(8192);
    }

    @Test
    void numPredictIsCutToTheRoomTheContextLeaves() {
        List<GenerationRequest> r = options("{\"num_ctx\":100,\"num_predict\":500}").requests(new int[90], 8192, true, "prompt");

        assertThat(r).singleElement().satisfies(g -> assertThat(g.maxTokens()).isEqualTo(10));
    }

    @Test
    void aNegativeNumPredictMeansUntilTheContextIsFull() {
        List<GenerationRequest> r = options("{\"num_predict\":-1}").requests(new int[90], 100, true, "prompt");

        assertThat(r.getFirst().maxTokens()).isEqualTo(10);
    }

    @Test
    void repeatLastNZeroTurnsThePenaltyOff() {
        assertThat(options("{\"repeat_penalty\":1.3,\"repeat_last_n\":0}").sampling().repetitionPenalty()).isEqualTo(1.0);
    }

    @Test
    void unknownOrUnsupportedOptionsAreRefusedNamingThem() {
        for (String bad : List.of("{\"top_kk\":1}", "{\"mirostat\":1}", "{\"typical_p\":0.5}", "{\"repeat_last_n\":64}",
                "{\"num_predict\":0}", "{\"stop\":\"x\"}")) {
            assertThatThrownBy(() -> options(bad)).as(bad).isInstanceOfSatisfying(ApiError.class, e -> {
                assertThat(e.status()).isEqualTo(400);
                assertThat(e.param()).startsWith("options.");
            });
        }
    }

    @Test
    void optionsAboutLoadingAreAcceptedWithNoEffect() {
        assertThat(options("{\"num_gpu\":1,\"num_thread\":8,\"use_mmap\":false,\"num_keep\":4}").sampling())
                .isEqualTo(options("{}").sampling());
    }
}
