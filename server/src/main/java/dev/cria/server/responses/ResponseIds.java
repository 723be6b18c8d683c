package dev.cria.server.responses;

import java.security.SecureRandom;

/**
 * Ids in the Responses API's forms: {@code resp_} for a response, {@code msg_} for a message item,
 * {@code fc_} for a function_call item and {@code call_} for its {@code call_id} (the id a
 * function_call_output answers), {@code fco_} for a function_call_output input item that came without
 * an id, each followed by 32 hex digits.
 */
final class ResponseIds {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private ResponseIds() {
    }

    static String response() {
        return "resp_" + suffix();
    }

    static String message() {
        return "msg_" + suffix();
    }

    static String functionCall() {
        return "fc_" + suffix();
    }

    static String functionCallOutput() {
        return "fco_" + suffix();
    }

    static String callId() {
        return "call_" + suffix();
    }

    private static String suffix() {
        char[] c = new char[32];
        for (int i = 0; i < c.length; i++) c[i] = HEX[RANDOM.nextInt(HEX.length)];
        return new String(c);
    }
}
