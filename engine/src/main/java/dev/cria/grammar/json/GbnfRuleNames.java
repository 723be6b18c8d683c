package dev.cria.grammar.json;

/**
 * Renames every rule of a GBNF text by a prefix, so grammars can be put side by side in one. A rule
 * name is a run of {@code [a-zA-Z0-9_-]} outside string literals, character classes and comments
 * (llama.cpp's grammars/README.md syntax); everything else is copied as it is.
 */
final class GbnfRuleNames {
    private GbnfRuleNames() {
    }

    static String prefixed(String gbnf, String prefix) {
        StringBuilder out = new StringBuilder(gbnf.length() + 256);
        int i = 0;
        int n = gbnf.length();
        while (i < n) {
            char c = gbnf.charAt(i);
            if (c == '"' || c == '[') {
                char close = c == '"' ? '"' : ']';
                int j = i + 1;
                while (j < n && gbnf.charAt(j) != close) j += gbnf.charAt(j) == '\\' ? 2 : 1;
                j = Math.min(n, j + 1);
                out.append(gbnf, i, j);
                i = j;
            } else if (c == '#') {
                int j = gbnf.indexOf('\n', i);
                j = j < 0 ? n : j;
                out.append(gbnf, i, j);
                i = j;
            } else if (isNameChar(c)) {
                int j = i;
                while (j < n && isNameChar(gbnf.charAt(j))) j++;
                String word = gbnf.substring(i, j);
                // Repetition counts ({2,5}) are digits inside braces, not names.
                if (word.chars().allMatch(Character::isDigit)) out.append(word);
                else out.append(prefix).append(word);
                i = j;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }
}
