package dev.cria.grammar;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The token trie: every ordinary token once, under the path of its bytes; subtrees contiguous. */
class TokenTrieTest {
    @Test
    void everyOrdinaryTokenSitsAtTheEndOfItsBytesAndSpecialOnesAreLeftOut() {
        String[] texts = {"abcdefg", "abcdefh", "abcde", "ab", "b", "abcdefg", "\u00e9", "abcdeZ", "a"};
        byte[][] bytes = new byte[texts.length + 3][];
        for (int i = 0; i < texts.length; i++) bytes[i] = texts[i].getBytes(StandardCharsets.UTF_8);
        bytes[texts.length] = new byte[]{(byte) 0xFF, 0};
        bytes[texts.length + 1] = "<|eot_id|>".getBytes(StandardCharsets.UTF_8);
        bytes[texts.length + 2] = new byte[0];
        boolean[] special = new boolean[bytes.length];
        special[texts.length + 1] = true;
        TokenTrie trie = TokenTrie.build(new TokenVocabulary(bytes, special, new int[]{texts.length + 1}));

        List<Integer> seen = new ArrayList<>();
        for (int node = 0; node < trie.nodes; node++) {
            assertThat(trie.subtreeEnd[node]).isGreaterThan(node).isLessThanOrEqualTo(trie.nodes);
            for (int child = node + 1; child < trie.subtreeEnd[node]; child++) {
                assertThat(trie.depth[child]).isGreaterThan(trie.depth[node]);
            }
            byte[] path = Arrays.copyOf(trie.prefix(node), trie.depth[node]);
            path[path.length - 1] = trie.label[node];
            for (int t = trie.tokenFirst[node]; t < trie.tokenFirst[node + 1]; t++) {
                assertThat(path).isEqualTo(bytes[trie.tokens[t]]);
                seen.add(trie.tokens[t]);
            }
        }
        assertThat(seen).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    }
}
