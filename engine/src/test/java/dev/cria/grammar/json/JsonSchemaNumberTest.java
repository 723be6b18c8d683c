package dev.cria.grammar.json;

import org.junit.jupiter.api.Test;

import static dev.cria.grammar.json.SchemaFixture.invalid;
import static dev.cria.grammar.json.SchemaFixture.refused;
import static dev.cria.grammar.json.SchemaFixture.schema;
import static org.assertj.core.api.Assertions.assertThat;

/** Numbers and integers (RFC 8259 §6), their digit bounds, and minimum/maximum (validation §6.2). */
class JsonSchemaNumberTest {
    @Test
    void aNumberIsJsonNumberSyntax() {
        schema("{\"type\": \"number\"}")
                .accepts("0", "-0", "12", "-3.25", "1e5", "6.02E+23", "1.5e-7", "-0.0")
                .rejects("01", "+1", "1.", ".5", "1e", "NaN", "Infinity", "0x10", "1_000");
    }

    @Test
    void numbersAreBoundedInDigits() {
        // 16 integer digits, 16 fraction digits, 3 exponent digits: a random model cannot write digits forever.
        schema("{\"type\": \"number\"}")
                .accepts("1234567890123456", "0.1234567890123456", "1e999")
                .rejects("12345678901234567", "0.12345678901234567", "1e1000");
    }

    @Test
    void anIntegerHasNoFractionOrExponent() {
        schema("{\"type\": \"integer\"}").accepts("0", "-7", "9007199254740993").rejects("1.0", "1e3", "-", "00");
    }

    @Test
    void integerRangesAreExact() {
        SchemaFixture range = schema("{\"type\": \"integer\", \"minimum\": -40, \"maximum\": 1234}");
        for (int i = -1000; i <= 2000; i++) {
            assertThat(range.matches(Integer.toString(i))).as("%d", i).isEqualTo(i >= -40 && i <= 1234);
        }
        range.accepts("-40", "0", "1234").rejectsInvalid("-41", "1235");
    }

    @Test
    void exclusiveBoundsExcludeTheirValue() {
        SchemaFixture range = schema("{\"type\": \"integer\", \"exclusiveMinimum\": 0, \"exclusiveMaximum\": 100}");
        for (int i = -50; i <= 150; i++) {
            assertThat(range.matches(Integer.toString(i))).as("%d", i).isEqualTo(i > 0 && i < 100);
        }
        range.accepts("1", "99").rejectsInvalid("0", "100");
    }

    @Test
    void oneSidedIntegerBounds() {
        schema("{\"type\": \"integer\", \"minimum\": 18}").accepts("18", "19", "120", "1000000").rejectsInvalid("17", "0", "-18");
        schema("{\"type\": \"integer\", \"maximum\": -1}").accepts("-1", "-99999").rejectsInvalid("0", "5");
    }

    @Test
    void draft4BooleanExclusiveMinimum() {
        schema("{\"$schema\": \"http://json-schema.org/draft-04/schema#\", \"type\": \"integer\", \"minimum\": 5, \"exclusiveMinimum\": true}")
                .accepts("6").rejectsInvalid("5");
    }

    @Test
    void fractionalBoundsOnIntegersRoundInward() {
        schema("{\"type\": \"integer\", \"minimum\": 1.5, \"maximum\": 3.5}").accepts("2", "3").rejectsInvalid("1", "4");
    }

    @Test
    void integerBoundsBeyondSixteenDigitsWidenTheDigitLimit() {
        schema("{\"type\": \"integer\", \"minimum\": 100000000000000000000}")
                .accepts("100000000000000000000", "100000000000000000001").rejectsInvalid("99999999999999999999");
    }

    @Test
    void boundsBeyondFortyDigitsAreRefused() {
        refused("{\"type\": \"integer\", \"maximum\": 1e300}", "maximum", "/maximum");
    }

    @Test
    void emptyIntegerRangeIsInvalid() {
        invalid("{\"type\": \"integer\", \"minimum\": 5, \"maximum\": 4}", "minimum", "/minimum");
    }

    @Test
    void numbersWithIntegerBoundsAreExact() {
        schema("{\"type\": \"number\", \"minimum\": 0, \"maximum\": 5}")
                .accepts("0", "0.5", "4.999", "5", "5.0", "5.000", "3")
                .rejectsInvalid("-0.1", "5.01", "6", "-1")
                .rejects("1e0"); // bounded numbers are written without an exponent
        schema("{\"type\": \"number\", \"exclusiveMinimum\": -2, \"exclusiveMaximum\": 0}")
                .accepts("-1.99", "-1", "-0.001", "-1.5")
                .rejectsInvalid("-2", "-2.0", "0", "0.5", "-2.5");
        schema("{\"type\": \"number\", \"minimum\": -1.0}").accepts("-1", "-1.0", "-0.5", "0", "1e3".replace("e3", "000"))
                .rejectsInvalid("-1.5", "-2");
    }

    @Test
    void fractionalBoundsOnNumbersAreExact() {
        schema("{\"type\": \"number\", \"minimum\": 0.25, \"exclusiveMaximum\": 3.5}")
                .accepts("0.25", "0.250", "0.26", "1", "3.49999", "3")
                .rejectsInvalid("0.2499", "0.2", "0", "3.5", "3.50", "4", "-0.3");
        schema("{\"type\": \"number\", \"exclusiveMinimum\": -1.05, \"maximum\": -1.02}")
                .accepts("-1.049", "-1.02", "-1.020", "-1.03")
                .rejectsInvalid("-1.05", "-1.01", "-1", "-1.1");
    }

    @Test
    void numberBoundsAgreeWithDecimalComparisonOnAGrid() {
        String[][] bounds = {{"minimum", "-1.5", "maximum", "2.25"}, {"exclusiveMinimum", "0", "exclusiveMaximum", "0.1"},
                {"minimum", "0.05", "exclusiveMaximum", "0.5"}, {"exclusiveMinimum", "-2", "maximum", "-0.75"},
                {"minimum", "1.999", "maximum", "2.001"}, {"exclusiveMinimum", "-0.5", "maximum", "0"}};
        for (String[] b : bounds) {
            SchemaFixture fixture = schema("{\"type\": \"number\", \"" + b[0] + "\": " + b[1] + ", \"" + b[2] + "\": " + b[3] + "}");
            java.math.BigDecimal lo = new java.math.BigDecimal(b[1]);
            java.math.BigDecimal hi = new java.math.BigDecimal(b[3]);
            for (int thousandths = -3000; thousandths <= 3000; thousandths += 5) {
                java.math.BigDecimal x = java.math.BigDecimal.valueOf(thousandths, 3);
                int cl = x.compareTo(lo);
                int ch = x.compareTo(hi);
                boolean in = (b[0].startsWith("exclusive") ? cl > 0 : cl >= 0) && (b[2].startsWith("exclusive") ? ch < 0 : ch <= 0);
                for (String text : new String[]{x.toPlainString(), x.stripTrailingZeros().toPlainString()}) {
                    if (text.equals("-0") || text.startsWith("-0.000")) continue; // "-0" is never written
                    assertThat(fixture.matches(text)).as("%s in %s", text, String.join(" ", b)).isEqualTo(in);
                }
            }
        }
    }

    @Test
    void booleansAndNull() {
        schema("{\"type\": \"boolean\"}").accepts("true", "false").rejectsInvalid("null", "0", "\"true\"");
        schema("{\"type\": \"null\"}").accepts("null").rejectsInvalid("false", "\"null\"");
    }
}
