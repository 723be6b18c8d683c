package dev.cria.guard;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GuardVerdictTest {
    @Test
    void safeAfterTheNewlinesTheModelWritesFirst() {
        GuardVerdict v = GuardVerdict.parse("\n\nsafe");
        assertThat(v.readable()).isTrue();
        assertThat(v.safe()).isTrue();
        assertThat(v.categories()).isEmpty();
    }

    @Test
    void unsafeWithItsCategoriesInOrder() {
        GuardVerdict v = GuardVerdict.parse("\n\nunsafe\nS1,S10");
        assertThat(v.readable()).isTrue();
        assertThat(v.safe()).isFalse();
        assertThat(v.categories()).containsExactly("S1", "S10");
    }

    @Test
    void spacesAroundCategoriesAndRepeatsAreTolerated() {
        assertThat(GuardVerdict.parse("unsafe\nS2, S2 ,S11").categories()).containsExactly("S2", "S11");
    }

    @Test
    void unsafeWithoutACategoryLineIsStillUnsafe() {
        GuardVerdict v = GuardVerdict.parse("unsafe");
        assertThat(v.readable()).isTrue();
        assertThat(v.safe()).isFalse();
        assertThat(v.categories()).isEmpty();
    }

    @Test
    void anythingElseIsUnreadable() {
        assertThat(GuardVerdict.parse("Sure! Here is").readable()).isFalse();
        assertThat(GuardVerdict.parse("unsafe\nviolence").readable()).isFalse();
        assertThat(GuardVerdict.parse("").readable()).isFalse();
    }
}
