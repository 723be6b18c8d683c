package dev.cria.sampling;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SamplingParamsTest {
    private static SamplingParams with(double temperature, double topP, int topK, double minP,
                                       double presence, double frequency, double repetition, Map<Integer, Double> bias) {
        return new SamplingParams(temperature, topP, topK, minP, null, presence, frequency, repetition, bias);
    }

    static Stream<Arguments> outOfRange() {
        return Stream.of(
                Arguments.of(with(-0.1, 1, 0, 0, 0, 0, 1, Map.of()), "temperature: must be between 0 and 2"),
                Arguments.of(with(2.1, 1, 0, 0, 0, 0, 1, Map.of()), "temperature: must be between 0 and 2"),
                Arguments.of(with(Double.NaN, 1, 0, 0, 0, 0, 1, Map.of()), "temperature: must be between 0 and 2"),
                Arguments.of(with(1, 0, 0, 0, 0, 0, 1, Map.of()), "top_p: must be greater than 0 and at most 1"),
                Arguments.of(with(1, 1.01, 0, 0, 0, 0, 1, Map.of()), "top_p: must be greater than 0 and at most 1"),
                Arguments.of(with(1, 1, -1, 0, 0, 0, 1, Map.of()), "top_k: must be 0 (disabled) or positive"),
                Arguments.of(with(1, 1, 0, -0.1, 0, 0, 1, Map.of()), "min_p: must be between 0 and 1"),
                Arguments.of(with(1, 1, 0, 1.5, 0, 0, 1, Map.of()), "min_p: must be between 0 and 1"),
                Arguments.of(with(1, 1, 0, 0, 2.5, 0, 1, Map.of()), "presence_penalty: must be between -2 and 2"),
                Arguments.of(with(1, 1, 0, 0, 0, -2.5, 1, Map.of()), "frequency_penalty: must be between -2 and 2"),
                Arguments.of(with(1, 1, 0, 0, 0, 0, 0, Map.of()), "repetition_penalty: must be a finite number greater than 0"),
                Arguments.of(with(1, 1, 0, 0, 0, 0, 1, Map.of(5, 100.5)), "logit_bias: bias for token 5 must be between -100 and 100"),
                Arguments.of(with(1, 1, 0, 0, 0, 0, 1, Map.of(-3, 1.0)), "logit_bias: token id must not be negative"));
    }

    @ParameterizedTest
    @MethodSource("outOfRange")
    void rejectsAnOutOfRangeFieldNamingIt(SamplingParams params, String message) {
        assertThatThrownBy(params::validate).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void acceptsTheEdgesOfEveryRange() {
        SamplingParams edges = new SamplingParams(2, 1, 0, 1, 1L, -2, 2, 0.01, Map.of(0, -100.0, 1, 100.0));

        assertThatCode(edges::validate).doesNotThrowAnyException();
        assertThatCode(() -> SamplingParams.greedy().validate()).doesNotThrowAnyException();
        assertThatCode(() -> SamplingParams.defaults().validate()).doesNotThrowAnyException();
    }

    @Test
    void rejectsALogitBiasTokenOutsideTheVocabulary() {
        SamplingParams params = with(1, 1, 0, 0, 0, 0, 1, Map.of(32000, 1.0));

        assertThatThrownBy(() -> params.validate(32000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("logit_bias: token id 32000 is outside the vocabulary of 32000 tokens");
    }

    @Test
    void rejectsANullLogitBiasEntryWithAMessage() {
        java.util.HashMap<Integer, Double> bias = new java.util.HashMap<>();
        bias.put(3, null);

        assertThatThrownBy(() -> with(1, 1, 0, 0, 0, 0, 1, bias)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("logit_bias: token ids and biases must not be null");
    }
}
