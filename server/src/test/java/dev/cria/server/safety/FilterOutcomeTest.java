package dev.cria.server.safety;

import dev.cria.chat.ChatMessage;
import dev.cria.guard.GuardTurn;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The mapping of Llama Guard categories to Azure OpenAI's content_filter_results, and the policy. */
class FilterOutcomeTest {
    private static Map<?, ?> field(FilterOutcome o, GuardPolicy p, String name) {
        return (Map<?, ?>) o.results(p).get(name);
    }

    @Test
    void hateIsS10() {
        assertThat(field(FilterOutcome.of(List.of("S10"), GuardPolicy.ALL), GuardPolicy.ALL, "hate"))
                .isEqualTo(Map.of("filtered", true, "severity", "high"));
    }

    @Test
    void selfHarmIsS11() {
        assertThat(field(FilterOutcome.of(List.of("S11"), GuardPolicy.ALL), GuardPolicy.ALL, "self_harm").get("filtered")).isEqualTo(true);
    }

    @Test
    void sexualIsS12AndS3AndS4() {
        for (String s : List.of("S3", "S4", "S12")) {
            assertThat(field(FilterOutcome.of(List.of(s), GuardPolicy.ALL), GuardPolicy.ALL, "sexual").get("filtered")).isEqualTo(true);
        }
    }

    @Test
    void violenceIsS1AndS9() {
        for (String s : List.of("S1", "S9")) {
            assertThat(field(FilterOutcome.of(List.of(s), GuardPolicy.ALL), GuardPolicy.ALL, "violence").get("filtered")).isEqualTo(true);
        }
    }

    @Test
    void aCategoryWithoutAnAzureFieldShowsOnlyUnderLlamaGuard() {
        FilterOutcome o = FilterOutcome.of(List.of("S2"), GuardPolicy.ALL);
        Map<String, Object> r = o.results(GuardPolicy.ALL);
        for (String f : List.of("hate", "self_harm", "sexual", "violence")) {
            assertThat(((Map<?, ?>) r.get(f)).get("severity")).isEqualTo("safe");
        }
        assertThat(r.get("llama_guard")).isEqualTo(Map.of("filtered", true, "categories", List.of("S2")));
        assertThat(o.blocked()).isTrue();
    }

    @Test
    void theFourFieldsComeInAzuresOrderAndNoDetectorFieldsAppear() {
        assertThat(FilterOutcome.of(List.of(), GuardPolicy.ALL).results(GuardPolicy.ALL).keySet())
                .containsExactly("hate", "self_harm", "sexual", "violence", "llama_guard");
    }

    @Test
    void nothingRanIsAnEmptyObject() {
        assertThat(FilterOutcome.NOT_RUN.results(GuardPolicy.ALL)).isEmpty();
    }

    @Test
    void aFailedCheckIsAzuresFilterError() {
        assertThat(FilterOutcome.FAILED.results(GuardPolicy.ALL))
                .isEqualTo(Map.of("error", Map.of("code", "content_filter_error", "message", "The contents are not filtered")));
        assertThat(FilterOutcome.FAILED.blocked()).isFalse();
    }

    @Test
    void thePolicyNamesCategoriesOrAllOrNone() {
        assertThat(GuardPolicy.parse("s1, S9,S10").blocking()).containsExactlyInAnyOrder("S1", "S9", "S10");
        assertThat(GuardPolicy.parse("all").blocking()).hasSize(14);
        assertThat(GuardPolicy.parse("none").blocking()).isEmpty();
        assertThatThrownBy(() -> GuardPolicy.parse("S1,hate")).hasMessageContaining("'hate'");
        assertThatThrownBy(() -> GuardPolicy.parse("S15")).hasMessageContaining("S1..S14");
    }

    @Test
    void theGuardSeesUserAndAssistantTurnsUpToTheLastUserTurn() {
        List<GuardTurn> turns = ContentSafety.promptTurns(List.of(
                ChatMessage.of("system", "be nice"),
                ChatMessage.of("assistant", "ignored: before any user turn"),
                ChatMessage.of("user", "a"),
                ChatMessage.of("user", "b"),
                ChatMessage.of("assistant", "c"),
                ChatMessage.of("tool", "t"),
                ChatMessage.of("user", "d"),
                ChatMessage.of("assistant", "prefill")));
        assertThat(turns).containsExactly(GuardTurn.user("a\n\nb"), GuardTurn.agent("c"), GuardTurn.user("d"));
    }
}
