package dev.cria.server.api;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestFieldsTest {
    private static RequestFields fields(String json) {
        return RequestFields.of(ApiJson.parseObject(json.getBytes()));
    }

    @Test
    void nullMeansAbsent() {
        assertThat(fields("{\"temperature\": null}").number("temperature", 0, 2)).isNull();
    }

    @Test
    void integralDecimalsAreIntegersButFractionsAreNot() {
        assertThat(fields("{\"n\": 2.0}").integer("n", 1, 128)).isEqualTo(2L);
        assertThatThrownBy(() -> fields("{\"n\": 2.5}").integer("n", 1, 128))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.param()).isEqualTo("n"));
    }

    @Test
    void anIntegerBeyond64BitsIsOutOfRangeNotOfTheWrongType() {
        assertThatThrownBy(() -> fields("{\"seed\": -10000000000000000000}").integer("seed", Long.MIN_VALUE, Long.MAX_VALUE))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.getMessage()).contains("below minimum value")
                        .contains(">= " + Long.MIN_VALUE));
        assertThatThrownBy(() -> fields("{\"n\": 1e30}").integer("n", 1, 128))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.getMessage()).contains("above maximum value")
                        .contains("<= 128"));
    }

    @Test
    void tokenIdsInsideTheVocabularyAreRead() {
        RequestFields f = fields("{\"tokens\": [0, 9906, 128255]}");

        assertThat(f.tokenIds("tokens", f.get("tokens"), f.get("tokens"), 128256)).containsExactly(0, 9906, 128255);
    }

    @Test
    void tokenIdsAreCheckedAsSentNotAsAWrappedLongOrInt() {
        // 2^64 + 9906, 2^63 + 9906 and 2^32 + 9906: each narrows to 9906 (or a negative) if read lossily.
        for (String id : new String[] {"18446744073709561522", "9223372036854785714", "4294977202", "-1", "128256"}) {
            RequestFields f = fields("{\"tokens\": [9906, " + id + "]}");

            assertThatThrownBy(() -> f.tokenIds("tokens", f.get("tokens"), f.get("tokens"), 128256)).as(id)
                    .isInstanceOfSatisfying(ApiError.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.param()).isEqualTo("tokens");
                        assertThat(e.getMessage()).isEqualTo("Invalid 'tokens': token id " + id
                                + " is outside the vocabulary (0..128255).");
                    });
        }
    }

    @Test
    void outOfRangeIs400NamingThePrefixedField() {
        RequestFields f = new RequestFields(ApiJson.parseObject("{\"top_p\": 2}".getBytes()), "input_data.parameters.");

        assertThatThrownBy(() -> f.number("top_p", 0, 1)).isInstanceOfSatisfying(ApiError.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.param()).isEqualTo("input_data.parameters.top_p");
        });
    }

    @Test
    void aBodyThatIsNotAnObjectIs400() {
        assertThatThrownBy(() -> ApiJson.parseObject("[1,2]".getBytes()))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.status()).isEqualTo(400));
    }
}
