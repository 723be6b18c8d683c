package dev.cria.grammar.json;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Prefixing a grammar's rule names leaves literals, classes, comments and repetition counts alone. */
class GbnfRuleNamesTest {
    @Test
    void ruleNamesArePrefixedEverywhereTheyAppear() {
        assertThat(GbnfRuleNames.prefixed("root ::= item-list\nitem-list ::= item (\",\" item)*\n", "f0-"))
                .isEqualTo("f0-root ::= f0-item-list\nf0-item-list ::= f0-item (\",\" f0-item)*\n");
    }

    @Test
    void literalsClassesCommentsAndCountsAreCopiedAsTheyAre() {
        assertThat(GbnfRuleNames.prefixed("root ::= \"root \\\" x\" [a-z\\]] x{2,5} # root here\n", "p-"))
                .isEqualTo("p-root ::= \"root \\\" x\" [a-z\\]] p-x{2,5} # root here\n");
    }
}
