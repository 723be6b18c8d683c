package dev.cria.server.anthropic;

import java.security.SecureRandom;

/** Ids in Anthropic's forms: {@code msg_} and {@code toolu_} followed by 24 alphanumerics. */
final class AnthropicIds {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private AnthropicIds() {
    }

    static String message() {
        return "msg_" + suffix();
    }

    static String toolUse() {
        return "toolu_" + suffix();
    }

    private static String suffix() {
        char[] c = new char[24];
        for (int i = 0; i < c.length; i++) c[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        return new String(c);
    }
}
