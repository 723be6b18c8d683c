package dev.cria.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code tojson} as @huggingface/jinja prints it: JSON.stringify scalars, Python-style separators. */
class JinjaJsonTest {

    @Test
    void integralDoublesPrintWithoutFractionLikeJavaScript() {
        assertThat(JinjaJson.toJson(2.0)).isEqualTo("2");
        assertThat(JinjaJson.toJson(-3.0)).isEqualTo("-3");
        assertThat(JinjaJson.toJson(1e20)).isEqualTo("100000000000000000000");
    }

    @Test
    void doublesUseTheShortestRoundTripDigits() {
        assertThat(JinjaJson.toJson(0.25)).isEqualTo("0.25");
        assertThat(JinjaJson.toJson(0.1 + 0.2)).isEqualTo("0.30000000000000004");
        assertThat(JinjaJson.toJson(123.456)).isEqualTo("123.456");
        assertThat(JinjaJson.toJson(-0.5)).isEqualTo("-0.5");
    }

    @Test
    void exponentNotationStartsAt1e21AndBelow1eMinus6() {
        assertThat(JinjaJson.toJson(1e21)).isEqualTo("1e+21");
        assertThat(JinjaJson.toJson(1.5e300)).isEqualTo("1.5e+300");
        assertThat(JinjaJson.toJson(0.000001)).isEqualTo("0.000001");
        assertThat(JinjaJson.toJson(1.5e-6)).isEqualTo("0.0000015");
        assertThat(JinjaJson.toJson(1e-7)).isEqualTo("1e-7");
        assertThat(JinjaJson.toJson(-2.5e-10)).isEqualTo("-2.5e-10");
        assertThat(JinjaJson.toJson(Double.MIN_VALUE)).isEqualTo("5e-324"); // Java: 4.9E-324
        assertThat(JinjaJson.toJson(1e22)).isEqualTo("1e+22");
        assertThat(JinjaJson.toJson(2e-7)).isEqualTo("2e-7");
    }

    @Test
    void negativeZeroNanAndInfinityPrintLikeJsonStringify() {
        assertThat(JinjaJson.toJson(-0.0)).isEqualTo("0");
        assertThat(JinjaJson.toJson(Double.NaN)).isEqualTo("null");
        assertThat(JinjaJson.toJson(Double.POSITIVE_INFINITY)).isEqualTo("null");
    }

    @Test
    void integersPrintExactly() {
        assertThat(JinjaJson.toJson(5L)).isEqualTo("5");
        assertThat(JinjaJson.toJson(-42)).isEqualTo("-42");
        assertThat(JinjaJson.toJson(Long.MAX_VALUE)).isEqualTo("9223372036854775807");
    }

    @Test
    void scalarsAndNull() {
        assertThat(JinjaJson.toJson(true)).isEqualTo("true");
        assertThat(JinjaJson.toJson(false)).isEqualTo("false");
        assertThat(JinjaJson.toJson(null)).isEqualTo("null");
    }

    @Test
    void stringsKeepNonAsciiRawAndEscapeQuotesBackslashesAndControls() {
        assertThat(JinjaJson.toJson("naïve \"q\" \\ 日本 🦙")).isEqualTo("\"naïve \\\"q\\\" \\\\ 日本 🦙\"");
        assertThat(JinjaJson.toJson("a\nb\tc\rd\be\ff")).isEqualTo("\"a\\nb\\tc\\rd\\be\\ff\"");
        assertThat(JinjaJson.toJson("\u0000\u0001\u001f")).isEqualTo("\"\\u0000\\u0001\\u001f\"");
    }

    @Test
    void deleteLineSeparatorsAndSlashesAreNotEscaped() {
        assertThat(JinjaJson.toJson("\u007f\u2028\u2029/<b>&")).isEqualTo("\"\u007f\u2028\u2029/<b>&\"");
    }

    @Test
    void loneSurrogatesAreEscapedInLowercaseHex() {
        assertThat(JinjaJson.toJson("x\uD83Dy\uDE00")).isEqualTo("\"x\\ud83dy\\ude00\"");
    }

    @Test
    void withoutIndentSeparatorsAreCommaSpaceAndColonSpace() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("b", 1L);
        m.put("a", new ArrayList<>(List.of("x", 2.5, true)));
        m.put("n", null);
        m.put("e", new LinkedHashMap<>());
        assertThat(JinjaJson.toJson(m)).isEqualTo("{\"b\": 1, \"a\": [\"x\", 2.5, true], \"n\": null, \"e\": {}}");
    }

    @Test
    void indentPutsEachElementOnItsOwnLineAndKeepsEmptyContainersShort() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("k", Arrays.asList(1L, "v"));
        inner.put("empty", List.of());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("o", inner);
        m.put("props", Map.of());
        assertThat(JinjaJson.toJson(m, 4)).isEqualTo("""
                {
                    "o": {
                        "k": [
                            1,
                            "v"
                        ],
                        "empty": []
                    },
                    "props": {}
                }""");
    }

    @Test
    void keysAreEscapedLikeStrings() {
        assertThat(JinjaJson.toJson(Map.of("a\"b", 1L))).isEqualTo("{\"a\\\"b\": 1}");
    }

    @Test
    void unsupportedValuesAreRejectedWithTheirType() {
        assertThatThrownBy(() -> JinjaJson.toJson(new Object()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.Object");
    }
}
