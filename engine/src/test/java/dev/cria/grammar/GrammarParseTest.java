package dev.cria.grammar;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** GBNF as llama.cpp's grammars/README.md defines it, and what {@link Grammar#matches} derives. */
class GrammarParseTest {
    private static boolean matches(String gbnf, String text) {
        return Grammar.parse(gbnf).matches(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aLiteralMatchesItselfAndNothingElse() {
        assertThat(matches("root ::= \"hello\"", "hello")).isTrue();
        assertThat(matches("root ::= \"hello\"", "hell")).isFalse();
        assertThat(matches("root ::= \"hello\"", "hello!")).isFalse();
    }

    @Test
    void literalEscapesAreCodePoints() {
        assertThat(matches("root ::= \"a\\nb\\t\\\\\\\"\"", "a\nb\t\\\"")).isTrue();
        assertThat(matches("root ::= \"\\x41\\u00e9\\U0001F600\"", "Aé😀")).isTrue();
        // \xHH names U+00HH, matched as its UTF-8 bytes (llama.cpp's reading)
        assertThat(Grammar.parse("root ::= \"\\xff\"").matches(new byte[]{(byte) 0xC3, (byte) 0xBF})).isTrue();
        assertThat(Grammar.parse("root ::= \"\\xff\"").matches(new byte[]{(byte) 0xFF})).isFalse();
    }

    @Test
    void characterClassesRangesAndNegation() {
        assertThat(matches("root ::= [a-z0-9_]", "q")).isTrue();
        assertThat(matches("root ::= [a-z0-9_]", "_")).isTrue();
        assertThat(matches("root ::= [a-z0-9_]", "Q")).isFalse();
        assertThat(matches("root ::= [^\"\\\\]", "x")).isTrue();
        assertThat(matches("root ::= [^\"\\\\]", "\"")).isFalse();
        assertThat(matches("root ::= [^\"\\\\]", "日")).isTrue();
        assertThat(matches("root ::= [^a]", "😀")).isTrue();
        assertThat(matches("root ::= [α-ω]", "λ")).isTrue();
        assertThat(matches("root ::= [α-ω]", "A")).isFalse();
        assertThat(matches("root ::= [-a]", "-")).isTrue();
        assertThat(matches("root ::= [a-]", "-")).isTrue();
    }

    @Test
    void dotIsAnyOneCharacterOfAnyLength() {
        assertThat(matches("root ::= .", "a")).isTrue();
        assertThat(matches("root ::= .", "é")).isTrue();
        assertThat(matches("root ::= .", "€")).isTrue();
        assertThat(matches("root ::= .", "😀")).isTrue();
        assertThat(matches("root ::= .", "ab")).isFalse();
        assertThat(matches("root ::= .", "")).isFalse();
    }

    @Test
    void invalidUtf8IsNeverDerived() {
        Grammar any = Grammar.parse("root ::= .*");
        assertThat(any.matches(new byte[]{(byte) 0xC0, (byte) 0x80})).as("overlong NUL").isFalse();
        assertThat(any.matches(new byte[]{(byte) 0xED, (byte) 0xA0, (byte) 0x80})).as("a surrogate").isFalse();
        assertThat(any.matches(new byte[]{(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80})).as("above U+10FFFF").isFalse();
        assertThat(any.matches(new byte[]{(byte) 0xE2, (byte) 0x82})).as("a cut character").isFalse();
        assertThat(any.matches(new byte[]{(byte) 0xE2, (byte) 0x82, (byte) 0xAC})).isTrue();
    }

    @Test
    void alternativesGroupsAndEmptyAlternatives() {
        String g = "root ::= (\"a\" | \"b\") (\"c\" | )";
        assertThat(matches(g, "a")).isTrue();
        assertThat(matches(g, "bc")).isTrue();
        assertThat(matches(g, "c")).isFalse();
        assertThat(matches("root ::= | \"x\"", "")).isTrue();
    }

    @Test
    void repetitionOperators() {
        assertThat(matches("root ::= \"ab\"*", "")).isTrue();
        assertThat(matches("root ::= \"ab\"*", "ababab")).isTrue();
        assertThat(matches("root ::= \"ab\"*", "aba")).isFalse();
        assertThat(matches("root ::= [0-9]+", "")).isFalse();
        assertThat(matches("root ::= [0-9]+", "2026")).isTrue();
        assertThat(matches("root ::= \"-\"? [0-9]", "-1")).isTrue();
        assertThat(matches("root ::= \"-\"? [0-9]", "1")).isTrue();
    }

    @Test
    void boundedRepetition() {
        String exactly = "root ::= [a-f]{3}";
        assertThat(matches(exactly, "abc")).isTrue();
        assertThat(matches(exactly, "ab")).isFalse();
        assertThat(matches(exactly, "abcd")).isFalse();
        String atLeast = "root ::= \"x\"{2,}";
        assertThat(matches(atLeast, "x")).isFalse();
        assertThat(matches(atLeast, "xxxxx")).isTrue();
        String between = "root ::= (\"ab\" | \"c\"){1,3}";
        assertThat(matches(between, "")).isFalse();
        assertThat(matches(between, "abcab")).isTrue();
        assertThat(matches(between, "cccc")).isFalse();
        assertThat(matches("root ::= \"y\"{0,2}", "")).isTrue();
        assertThat(matches("root ::= \"y\"{ 1 , 2 }", "yy")).isTrue();
    }

    @Test
    void rulesReferenceEachOtherWithDashesDigitsAndCapitals() {
        String g = """
                # a comment line
                root ::= item-1 ("," item-1)*   # a trailing comment
                item-1 ::= QAPair | [0-9]
                QAPair ::= "q" "a"
                """;
        assertThat(matches(g, "qa,1,qa")).isTrue();
        assertThat(matches(g, "qa,")).isFalse();
    }

    @Test
    void newlinesContinueInsideParenthesesAndAfterBar() {
        String g = """
                root ::= (
                    "a"
                    "b"
                  )
                  | "c"
                """;
        assertThat(matches(g, "ab")).isTrue();
        assertThat(matches(g, "c")).isTrue();
    }

    @Test
    void aNewlineOutsideParenthesesEndsTheRule() {
        // (a line that starts with '|' continues the rule before it: an extension, since no rule can start with '|')
        assertThatThrownBy(() -> Grammar.parse("root ::= \"a\"\n  \"b\""))
                .isInstanceOf(GrammarException.class)
                .hasMessageContaining("2:3");
    }

    @Test
    void recursionThroughOtherSymbolsIsFine() {
        String tree = """
                root ::= node
                node ::= "(" (node ("," node)*)? ")"
                """;
        assertThat(matches(tree, "((),(()),())")).isTrue();
        assertThat(matches(tree, "((),(()),()")).isFalse();
    }

    @Test
    void syntaxErrorsNameLineAndColumn() {
        assertThatThrownBy(() -> Grammar.parse("root ::= \"a\"\nx ::= [a-z"))
                .isInstanceOf(GrammarException.class)
                .hasMessageContaining("2:")
                .hasMessageContaining("unterminated character class");
        assertThatThrownBy(() -> Grammar.parse("root := \"a\""))
                .isInstanceOf(GrammarException.class)
                .hasMessageContaining("1:6")
                .hasMessageContaining("'::='");
        assertThatThrownBy(() -> Grammar.parse("root ::= \"\\q\""))
                .isInstanceOf(GrammarException.class)
                .hasMessageContaining("1:11")
                .hasMessageContaining("unknown escape");
        assertThatThrownBy(() -> Grammar.parse("root ::= * \"a\""))
                .isInstanceOf(GrammarException.class)
                .hasMessageContaining("1:10");
    }

    @Test
    void anUndefinedRuleIsNamedWithWhereItIsUsed() {
        assertThatThrownBy(() -> Grammar.parse("root ::= \"a\" value"))
                .isInstanceOf(GrammarException.class)
                .hasMessageContaining("undefined rule 'value'")
                .hasMessageContaining("1:14");
    }

    @Test
    void aGrammarWithoutRootIsRefused() {
        assertThatThrownBy(() -> Grammar.parse("start ::= \"a\""))
                .isInstanceOf(GrammarException.class)
                .hasMessageContaining("'root'");
        assertThatThrownBy(() -> Grammar.parse(""))
                .isInstanceOf(GrammarException.class);
    }

    @Test
    void aRuleDefinedTwiceIsRefused() {
        assertThatThrownBy(() -> Grammar.parse("root ::= \"a\"\nroot ::= \"b\""))
                .isInstanceOf(GrammarException.class)
                .hasMessageContaining("defined twice");
    }

    @Test
    void leftRecursionIsRefusedClearly() {
        assertThatThrownBy(() -> Grammar.parse("root ::= expr\nexpr ::= expr \"+\" term | term\nterm ::= [0-9]"))
                .isInstanceOf(GrammarException.class)
                .hasMessageContaining("'expr' is left-recursive");
        // also through a rule that can be empty
        assertThatThrownBy(() -> Grammar.parse("root ::= ws root \"x\" | \"y\"\nws ::= \" \"*"))
                .isInstanceOf(GrammarException.class)
                .hasMessageContaining("left-recursive");
    }

    @Test
    void repeatingSomethingThatCanBeEmptyIsNotLeftRecursion() {
        assertThat(matches("root ::= (\"a\"?)* \"b\"", "aab")).isTrue();
        assertThat(matches("root ::= (ws)* \"b\"\nws ::= \" \"?", "  b")).isTrue();
    }

    @Test
    void repetitionCountsAreBounded() {
        assertThatThrownBy(() -> Grammar.parse("root ::= \"a\"{0,10001}"))
                .isInstanceOf(GrammarException.class)
                .hasMessageContaining("10000");
        assertThatThrownBy(() -> Grammar.parse("root ::= \"" + "a".repeat(300) + "\"{10000}"))
                .isInstanceOf(GrammarException.class)
                .hasMessageContaining("elements");
        assertThatThrownBy(() -> Grammar.parse("root ::= \"a\"{3,2}"))
                .isInstanceOf(GrammarException.class)
                .hasMessageContaining("max below min");
    }

    @Test
    void escapesOutsideUnicodeAreRefused() {
        assertThatThrownBy(() -> Grammar.parse("root ::= \"\\U00110000\""))
                .isInstanceOf(GrammarException.class);
        assertThatThrownBy(() -> Grammar.parse("root ::= \"\\uD800\""))
                .isInstanceOf(GrammarException.class)
                .hasMessageContaining("surrogate");
    }

    @Test
    void anAmbiguousGrammarMatchesInLinearTime() {
        Grammar g = Grammar.parse("root ::= (\"a\" | \"a\" | [a])* (\"a\" \"a\"?)*");
        byte[] text = "a".repeat(20_000).getBytes(StandardCharsets.US_ASCII);
        assertThat(g.matches(text)).isTrue();
    }

    @Test
    void aJsonGrammar() {
        assertThat(matches(JSON, "{\"a\": [1, -2.5e3, true, null, \"x\\\"y\"], \"b\": {}}")).isTrue();
        assertThat(matches(JSON, "{\"a\": [1, 2,]}")).isFalse();
        assertThat(matches(JSON, "{\"é\": \"日本\"}")).isTrue();
    }

    static final String JSON = """
            root   ::= object
            value  ::= object | array | string | number | ("true" | "false" | "null") ws
            object ::=
              "{" ws (
                        string ":" ws value
                ("," ws string ":" ws value)*
              )? "}" ws
            array  ::=
              "[" ws (
                        value
                ("," ws value)*
              )? "]" ws
            string ::=
              "\\"" (
                [^"\\\\\\x7F\\x00-\\x1F] |
                "\\\\" (["\\\\bfnrt] | "u" [0-9a-fA-F]{4})
              )* "\\"" ws
            number ::= ("-"? ([0-9] | [1-9] [0-9]{0,15})) ("." [0-9]{1,16})? ([eE] [-+]? [0-9]{1,16})? ws
            ws ::= | " " | "\\n" [ \\t]{0,20}
            """;
}
