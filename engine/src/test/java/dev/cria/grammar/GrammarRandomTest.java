package dev.cria.grammar;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random regular grammars written twice, as GBNF and as a java.util.regex pattern: both must agree
 * on random texts (multi-byte characters included), and on every reachable state the mask must
 * equal accepts() over a vocabulary of single bytes, characters and short strings.
 */
class GrammarRandomTest {
    private static final String[] CHARS = {"a", "b", "é", "日"};

    private record Expr(String gbnf, String regex) {
    }

    private static Expr random(SplittableRandom r, int depth) {
        int pick = depth > 3 ? r.nextInt(3) : r.nextInt(8);
        return switch (pick) {
            case 0, 1 -> {
                StringBuilder lit = new StringBuilder();
                for (int i = 0, n = 1 + r.nextInt(2); i < n; i++) lit.append(CHARS[r.nextInt(CHARS.length)]);
                yield new Expr("\"" + lit + "\"", "(?:" + Pattern.quote(lit.toString()) + ")");
            }
            case 2 -> switch (r.nextInt(4)) {
                case 0 -> new Expr("[a-b]", "[a-b]");
                case 1 -> new Expr("[^a]", "[^a]");
                case 2 -> new Expr(".", "(?s:.)");
                default -> new Expr("[é日]", "[é日]");
            };
            case 3, 4 -> {
                Expr x = random(r, depth + 1), y = random(r, depth + 1);
                yield new Expr("(" + x.gbnf + " " + y.gbnf + ")", "(?:" + x.regex + y.regex + ")");
            }
            case 5 -> {
                Expr x = random(r, depth + 1), y = random(r, depth + 1);
                yield new Expr("(" + x.gbnf + " | " + y.gbnf + ")", "(?:" + x.regex + "|" + y.regex + ")");
            }
            default -> {
                Expr inner = random(r, depth + 1);
                Expr x = new Expr("(" + inner.gbnf + ")", inner.regex); // x** is not GBNF: group first
                yield switch (r.nextInt(5)) {
                    case 0 -> new Expr(x.gbnf + "*", "(?:" + x.regex + ")*");
                    case 1 -> new Expr(x.gbnf + "+", "(?:" + x.regex + ")+");
                    case 2 -> new Expr(x.gbnf + "?", "(?:" + x.regex + ")?");
                    case 3 -> new Expr(x.gbnf + "{2}", "(?:" + x.regex + "){2}");
                    default -> new Expr(x.gbnf + "{1,3}", "(?:" + x.regex + "){1,3}");
                };
            }
        };
    }

    private static String randomText(SplittableRandom r) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0, n = r.nextInt(7); i < n; i++) sb.append(CHARS[r.nextInt(CHARS.length)]);
        return sb.toString();
    }

    @Test
    void grammarsAgreeWithTheSameRegularExpression() {
        SplittableRandom r = new SplittableRandom(19);
        for (int g = 0; g < 300; g++) {
            Expr e = random(r, 0);
            Grammar grammar = Grammar.parse("root ::= " + e.gbnf);
            Pattern pattern = Pattern.compile(e.regex);
            for (int t = 0; t < 60; t++) {
                String text = t == 0 ? "" : randomText(r);
                assertThat(grammar.matches(text.getBytes(StandardCharsets.UTF_8)))
                        .as("%s on '%s'", e.gbnf, text)
                        .isEqualTo(pattern.matcher(text).matches());
            }
        }
    }

    @Test
    void masksEqualAcceptsOnRandomGrammarsAndWalks() {
        List<byte[]> tokens = new ArrayList<>();
        for (String c : CHARS) tokens.add(c.getBytes(StandardCharsets.UTF_8));
        for (String a : CHARS) for (String b : CHARS) tokens.add((a + b).getBytes(StandardCharsets.UTF_8));
        for (byte b : "é日".getBytes(StandardCharsets.UTF_8)) tokens.add(new byte[]{b}); // partial characters
        tokens.add(new byte[]{(byte) 0xA5, 'a'}); // the end of 日, then a
        tokens.add(new byte[]{(byte) 0xC3}); // twice: a duplicate token
        int n = tokens.size() + 1;
        byte[][] bytes = new byte[n][];
        for (int i = 0; i < tokens.size(); i++) bytes[i] = tokens.get(i);
        bytes[n - 1] = new byte[0];
        boolean[] special = new boolean[n];
        special[n - 1] = true;
        TokenVocabulary vocabulary = new TokenVocabulary(bytes, special, new int[]{n - 1});

        SplittableRandom r = new SplittableRandom(7);
        long[] mask = new long[(n + 63) / 64];
        for (int g = 0; g < 200; g++) {
            Expr e = random(r, 0);
            GrammarState s = TokenGrammar.compile(Grammar.parse("root ::= " + e.gbnf), vocabulary).start();
            for (int step = 0; step < 12; step++) {
                s.allowedTokens(mask);
                List<Integer> allowed = new ArrayList<>();
                for (int t = 0; t < n; t++) {
                    boolean bit = (mask[t >>> 6] & (1L << t)) != 0;
                    assertThat(bit).as("%s, step %d, token %d", e.gbnf, step, t).isEqualTo(s.accepts(t));
                    if (bit && t != n - 1) allowed.add(t);
                }
                if (allowed.isEmpty()) break;
                s.accept(allowed.get(r.nextInt(allowed.size())));
            }
        }
    }
}
