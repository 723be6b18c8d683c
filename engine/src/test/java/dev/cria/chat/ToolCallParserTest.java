package dev.cria.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tool calls as Llama 3.x writes them; anything that is not entirely tool calls gives an empty list. */
class ToolCallParserTest {

    private static ToolCall single(String output) {
        List<ToolCall> calls = ToolCallParser.parse(output);
        assertThat(calls).as(output).hasSize(1);
        return calls.getFirst();
    }

    // ---- JSON form ----

    @Test
    void jsonObjectWithParameters() {
        ToolCall c = single("{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\", \"days\": 3}}");
        assertThat(c.name()).isEqualTo("get_weather");
        assertThat(c.arguments()).isEqualTo(Map.of("city", "Paris", "days", 3L));
    }

    @Test
    void jsonObjectWithArgumentsKey() {
        ToolCall c = single("{\"name\": \"get_time\", \"arguments\": {}}");
        assertThat(c.name()).isEqualTo("get_time");
        assertThat(c.arguments()).isEqualTo(Map.of());
    }

    @Test
    void argumentsGivenAsAJsonStringAreParsed() {
        ToolCall c = single("{\"name\": \"f\", \"arguments\": \"{\\\"x\\\": [1, 2.5]}\"}");
        assertThat(c.arguments()).isEqualTo(Map.of("x", List.of(1L, 2.5)));
    }

    @Test
    void typeFunctionKeyIsTolerated() {
        assertThat(single("{\"type\": \"function\", \"name\": \"f\", \"parameters\": {\"a\": true}}").name())
                .isEqualTo("f");
    }

    @Test
    void pythonTagPrefixAndSurroundingWhitespaceAndEndTokenAreIgnored() {
        ToolCall c = single("  \n<|python_tag|>{\"name\": \"search\", \"parameters\": {\"q\": \"llamas 🦙\"}}<|eom_id|>\n");
        assertThat(c.name()).isEqualTo("search");
        assertThat(c.arguments()).isEqualTo(Map.of("q", "llamas 🦙"));
    }

    @Test
    void severalJsonCallsSeparatedBySemicolons() {
        List<ToolCall> calls = ToolCallParser.parse(
                "{\"name\": \"a\", \"parameters\": {\"s\": \"x;}{\"}}; {\"name\": \"b\", \"parameters\": {}};");
        assertThat(calls).extracting(ToolCall::name).containsExactly("a", "b");
        assertThat(calls.getFirst().arguments()).isEqualTo(Map.of("s", "x;}{"));
    }

    @Test
    void jsonArrayOfCalls() {
        List<ToolCall> calls = ToolCallParser.parse(
                "[{\"name\": \"a\", \"parameters\": {\"n\": null}}, {\"name\": \"b\", \"arguments\": {\"l\": [\"x\"]}}]");
        assertThat(calls).extracting(ToolCall::name).containsExactly("a", "b");
        assertThat(calls.get(1).arguments()).isEqualTo(Map.of("l", List.of("x")));
    }

    // ---- pythonic form ----

    @Test
    void pythonicListOfCalls() {
        List<ToolCall> calls = ToolCallParser.parse("[get_weather(city=\"Paris\"), get_time()]");
        assertThat(calls).extracting(ToolCall::name).containsExactly("get_weather", "get_time");
        assertThat(calls.get(0).arguments()).isEqualTo(Map.of("city", "Paris"));
        assertThat(calls.get(1).arguments()).isEqualTo(Map.of());
    }

    @Test
    void pythonicLiteralsBecomeJsonValues() {
        ToolCall c = single("[f(a=1, b=-2.5, c=1e3, d=True, e=False, g=None, h='it\\'s', i=\"x\\ny\\u00e9\")]");
        Map<?, ?> args = (Map<?, ?>) c.arguments();
        assertThat(args.get("a")).isEqualTo(1L);
        assertThat(args.get("b")).isEqualTo(-2.5);
        assertThat(args.get("c")).isEqualTo(1000.0);
        assertThat(args.get("d")).isEqualTo(true);
        assertThat(args.get("e")).isEqualTo(false);
        assertThat(args.containsKey("g")).isTrue();
        assertThat(args.get("g")).isNull();
        assertThat(args.get("h")).isEqualTo("it's");
        assertThat(args.get("i")).isEqualTo("x\nyé");
    }

    @Test
    void pythonicNestedListsTuplesAndDicts() {
        ToolCall c = single("[book(rooms=[{'type': 'double', 'n': 2}, {'type': 'single', 'n': (1, 2)}], tags=[])]");
        assertThat(c.arguments()).isEqualTo(Map.of(
                "rooms", List.of(Map.of("type", "double", "n", 2L), Map.of("type", "single", "n", List.of(1L, 2L))),
                "tags", List.of()));
    }

    @Test
    void pythonicArgumentOrderIsKept() {
        ToolCall c = single("[f(z=1, a=2, m=3)]");
        List<Object> keys = new java.util.ArrayList<>(((Map<?, ?>) c.arguments()).keySet());
        assertThat(keys).containsExactly("z", "a", "m");
    }

    @Test
    void pythonicWithWhitespaceNewlinesAndTrailingCommas() {
        List<ToolCall> calls = ToolCallParser.parse("[\n  get_weather( city = \"Paris\" , ),\n  get_time(),\n]");
        assertThat(calls).extracting(ToolCall::name).containsExactly("get_weather", "get_time");
    }

    // ---- not tool calls ----

    @Test
    void proseContainingJsonIsNotAToolCall() {
        assertThat(ToolCallParser.parse("Sure! {\"name\": \"f\", \"parameters\": {}}")).isEmpty();
        assertThat(ToolCallParser.parse("{\"name\": \"f\", \"parameters\": {}} is what I would call")).isEmpty();
        assertThat(ToolCallParser.parse("Use a dict like {a: 1} in Python.")).isEmpty();
    }

    @Test
    void ordinaryJsonAnswersAreNotToolCalls() {
        assertThat(ToolCallParser.parse("{\"name\": \"Bob\", \"age\": 3}")).isEmpty();
        assertThat(ToolCallParser.parse("{\"name\": \"f\"}")).isEmpty();
        assertThat(ToolCallParser.parse("{\"parameters\": {}}")).isEmpty();
        assertThat(ToolCallParser.parse("{\"name\": \"f\", \"parameters\": [1, 2]}")).isEmpty();
        assertThat(ToolCallParser.parse("[1, 2, 3]")).isEmpty();
        assertThat(ToolCallParser.parse("[\"a\", \"b\"]")).isEmpty();
    }

    @Test
    void emptyAndBlankOutputsAreNotToolCalls() {
        assertThat(ToolCallParser.parse(null)).isEmpty();
        assertThat(ToolCallParser.parse("")).isEmpty();
        assertThat(ToolCallParser.parse("  <|python_tag|> ")).isEmpty();
        assertThat(ToolCallParser.parse("[]")).isEmpty();
        assertThat(ToolCallParser.parse("Hello there.")).isEmpty();
    }

    @Test
    void malformedCallsGiveAnEmptyList() {
        for (String bad : List.of(
                "{\"name\": \"f\", \"parameters\": {\"a\": 1}",      // unbalanced
                "{\"name\": \"f\", \"parameters\": {}} {\"name\":",  // second one cut off
                "{\"name\": \"f\", \"parameters\": \"not json\"}",
                "[get_weather(\"Paris\")]",                          // positional argument
                "[get_weather(city=Paris)]",                         // bare name as value
                "[get_weather(city=\"Paris)]",                       // unterminated string
                "[get_weather(city=\"Paris\")",                      // missing ]
                "[get_weather(city=\"Paris\")] and more",            // trailing text
                "[f(a=1, a=2)]",                                     // repeated keyword
                "{\"name\": \"f\", \"name\": \"g\", \"parameters\": {}}",  // repeated JSON key
                "{\"name\": \"f\", \"parameters\": {\"n\": 01}}",        // leading zero
                "[f(a={1: 2})]",                                     // non-string dict key
                "[3f(a=1)]",
                "[f(a=1e999)]")) {
            assertThat(ToolCallParser.parse(bad)).as(bad).isEmpty();
        }
    }

    @Test
    void everyPrefixOfAValidCallIsHandledWithoutException() {
        String[] valid = {
                "<|python_tag|>{\"name\": \"a\", \"parameters\": {\"s\": \"q\\\"x\", \"l\": [1, {\"k\": null}]}}; {\"name\": \"b\", \"parameters\": {}}",
                "[f(a='x\\'y', b=[1, (2, 3), {'k': None}], c=-1.5e-3), g()]"};
        for (String v : valid) {
            assertThat(ToolCallParser.parse(v)).hasSize(2);
            for (int n = 0; n < v.length(); n++) {
                String prefix = v.substring(0, n);
                assertThatCode(() -> ToolCallParser.parse(prefix)).as(prefix).doesNotThrowAnyException();
            }
        }
    }

    @Test
    void absurdNestingIsRejectedWithoutStackOverflow() {
        String deep = "[f(a=" + "[".repeat(100_000) + "]".repeat(100_000) + ")]";
        assertThat(ToolCallParser.parse(deep)).isEmpty();
        String deepJson = "{\"name\": \"f\", \"parameters\": " + "{\"a\": ".repeat(50_000) + "1" + "}".repeat(50_001);
        assertThat(ToolCallParser.parse(deepJson)).isEmpty();
        String deepArgs = "{\"name\": \"f\", \"arguments\": \"" + "[".repeat(50_000) + "]".repeat(50_000) + "\"}";
        assertThat(ToolCallParser.parse(deepArgs)).isEmpty();
        assertThat(ToolCallParser.parse("[" + deepJson + "]")).isEmpty();
    }

    @Test
    void eachCallGetsAFreshOpenAiStyleId() {
        List<ToolCall> calls = ToolCallParser.parse("[a(), b()]");
        assertThat(calls).allSatisfy(c -> assertThat(c.id()).matches("call_[A-Za-z0-9]{24}"));
        assertThat(calls.get(0).id()).isNotEqualTo(calls.get(1).id());
    }
}
