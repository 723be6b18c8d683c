package dev.cria.grammar.json;

import org.junit.jupiter.api.Test;

import static dev.cria.grammar.json.SchemaFixture.invalid;
import static dev.cria.grammar.json.SchemaFixture.refused;
import static dev.cria.grammar.json.SchemaFixture.schema;

/** Strings: JSON string syntax (RFC 8259 §7), minLength, maxLength, pattern (validation §6.3). */
class JsonSchemaStringTest {
    @Test
    void anyJsonStringWithItsEscapes() {
        schema("{\"type\": \"string\"}")
                .accepts("\"\"", "\"plain\"", "\"q\\\"uote\"", "\"back\\\\slash\"", "\"\\/\\b\\f\\n\\r\\t\"",
                        "\"\\u00e9\\uD83D\\uDE00\"", "\"é 😀 中\"")
                .rejects("\"raw\nnewline\"", "\"tab\there\"", "\"\\x41\"", "\"\\u12\"", "\"unclosed", "'single'");
    }

    @Test
    void lengthsCountCharactersNotBytes() {
        // "é" is two bytes in UTF-8 and one character; an escape is one character too (§6.3.1).
        schema("{\"type\": \"string\", \"minLength\": 2, \"maxLength\": 3}")
                .accepts("\"ab\"", "\"abc\"", "\"éé\"", "\"ééé\"", "\"a\\nb\"", "\"😀😀\"")
                .rejectsInvalid("\"a\"", "\"abcd\"", "\"éééé\"", "\"\"");
    }

    @Test
    void surrogateEscapesComeInPairsAndCountAsOneCharacter() {
        // RFC 8259 §8.2: a lone surrogate is not Unicode; a pair is one code point (§6.3.1 counts code points).
        schema("{\"type\": \"string\", \"maxLength\": 1}")
                .accepts("\"\\uD83D\\uDE00\"", "\"\\u00e9\"", "\"😀\"")
                .rejects("\"\\uD83D\"", "\"\\uDE00\"", "\"\\uDE00\\uD83D\"");
        schema("{\"type\": \"string\", \"minLength\": 2}").rejectsInvalid("\"\\uD83D\\uDE00\"");
    }

    @Test
    void maxLengthZeroIsTheEmptyString() {
        schema("{\"type\": \"string\", \"maxLength\": 0}").accepts("\"\"").rejectsInvalid("\"a\"");
    }

    @Test
    void minLengthAboveMaxLengthIsInvalid() {
        invalid("{\"type\": \"string\", \"minLength\": 3, \"maxLength\": 2}", "minLength", "/minLength");
    }

    @Test
    void anAnchoredPatternMatchesTheWholeString() {
        schema("{\"type\": \"string\", \"pattern\": \"^[A-Z]{2}-\\\\d{3,4}$\"}")
                .accepts("\"AB-123\"", "\"ZZ-0000\"")
                .rejectsInvalid("\"ab-123\"", "\"AB-12\"", "\"AB-12345\"", "\"xAB-123\"", "\"AB-123x\"");
    }

    @Test
    void anUnanchoredPatternMatchesAnywhere() {
        // §6.3.3: "not implicitly anchored".
        schema("{\"type\": \"string\", \"pattern\": \"ab+c\"}")
                .accepts("\"abc\"", "\"xxabbbcyy\"", "\"abc\\n\"")
                .rejectsInvalid("\"ac\"", "\"xyz\"");
        schema("{\"type\": \"string\", \"pattern\": \"^id-\"}").accepts("\"id-7\"", "\"id-\"").rejectsInvalid("\"xid-\"");
        schema("{\"type\": \"string\", \"pattern\": \"\\\\.json$\"}").accepts("\"a.json\"").rejectsInvalid("\"a.json5\"", "\"ajson\"");
    }

    @Test
    void patternGroupsAlternationAndQuantifiers() {
        schema("{\"type\": \"string\", \"pattern\": \"^(?:cat|dog)(s)?( [0-9]+)*$\"}")
                .accepts("\"cat\"", "\"dogs\"", "\"cats 1 22 333\"")
                .rejectsInvalid("\"cow\"", "\"cat \"", "\"catss\"");
        schema("{\"type\": \"string\", \"pattern\": \"^(?<year>\\\\d{4})-x{2,}$\"}")
                .accepts("\"2024-xx\"", "\"2024-xxxxx\"").rejectsInvalid("\"2024-x\"");
    }

    @Test
    void patternTopLevelAlternativesAreAnchoredEachOnItsOwn() {
        // ^a|b$ is (^a)|(b$): "ax" starts with a; "xb" ends with b.
        schema("{\"type\": \"string\", \"pattern\": \"^a|b$\"}")
                .accepts("\"ax\"", "\"xb\"", "\"a\"")
                .rejectsInvalid("\"xa\"", "\"bx\"");
    }

    @Test
    void patternClassesEscapesAndDot() {
        schema("{\"type\": \"string\", \"pattern\": \"^[^0-9\\\\s][\\\\w.-]*\\\\.[a-z]{2}$\"}")
                .accepts("\"x.io\"", "\"a_b-c.d.io\"", "\"é.io\"")
                .rejectsInvalid("\"1x.io\"", "\" x.io\"", "\"x.IO\"");
        schema("{\"type\": \"string\", \"pattern\": \"^.{3}$\"}")
                .accepts("\"abc\"", "\"é中x\"")
                .rejectsInvalid("\"ab\"", "\"a\\nb\"")
                // One character of a class or '.' is one in the BMP: ECMA-262 without the u flag counts
                // "😀" as two, Java's regex as one; the grammar writes what both agree on.
                .rejects("\"é😀x\"");
    }

    @Test
    void patternClassEscapesMeanWhatBothEcmaScriptAndJavaAgreeOn() {
        // ECMA-262's \\s takes U+00A0, Java's does not; Java's '.' leaves out U+0085, ECMA-262's does not.
        schema("{\"type\": \"string\", \"pattern\": \"^\\\\s$\"}").accepts("\" \"", "\"\\t\"").rejects("\"\u00a0\"");
        schema("{\"type\": \"string\", \"pattern\": \"^\\\\S$\"}").accepts("\"x\"").rejects("\"\u00a0\"", "\" \"");
        schema("{\"type\": \"string\", \"pattern\": \"^[^\\\\s]$\"}").accepts("\"x\"").rejects("\"\u00a0\"", "\" \"");
        schema("{\"type\": \"string\", \"pattern\": \"^.$\"}").accepts("\"x\"").rejects("\"\u0085\"");
    }

    @Test
    void patternCharactersThatJsonEscapesAreWrittenEscaped() {
        schema("{\"type\": \"string\", \"pattern\": \"^[\\\"\\\\\\\\]+\\\\t$\"}")
                .accepts("\"\\\"\\\\\\t\"")
                .rejects("\"\"\"");
    }

    @Test
    void patternLookaroundAndBackreferencesAreRefused() {
        refused("{\"type\": \"string\", \"pattern\": \"^(?=a)a$\"}", "pattern", "/pattern");
        refused("{\"type\": \"string\", \"pattern\": \"(?<!a)b\"}", "pattern", "/pattern");
        refused("{\"type\": \"string\", \"pattern\": \"(a)\\\\1\"}", "pattern", "/pattern");
        refused("{\"type\": \"string\", \"pattern\": \"\\\\bword\\\\b\"}", "pattern", "/pattern");
        refused("{\"type\": \"string\", \"pattern\": \"\\\\p{L}+\"}", "pattern", "/pattern");
        refused("{\"properties\": {\"code\": {\"type\": \"string\", \"pattern\": \"a^b\"}}}", "pattern", "/properties/code/pattern");
    }

    @Test
    void aMalformedPatternIsInvalid() {
        invalid("{\"type\": \"string\", \"pattern\": \"(ab\"}", "pattern", "/pattern");
        invalid("{\"type\": \"string\", \"pattern\": \"*a\"}", "pattern", "/pattern");
        invalid("{\"type\": \"string\", \"pattern\": \"[b-a]\"}", "pattern", "/pattern");
    }

    @Test
    void lengthsBesidePatternAreRefused() {
        refused("{\"type\": \"string\", \"pattern\": \"^a+$\", \"maxLength\": 5}", "maxLength", "/maxLength");
    }
}
