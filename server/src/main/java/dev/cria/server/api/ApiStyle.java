package dev.cria.server.api;

import java.security.SecureRandom;

/**
 * Which flavour of the OpenAI API a path answers in. {@link #OPENAI} under {@code /v1} mirrors
 * api.openai.com; {@link #PROVIDER} under {@code /v3/openai} mirrors the hosted provider whose
 * clients Cria replaces: ids {@code chat-…}, {@code system_fingerprint: ""}, and null token-detail
 * objects in {@code usage}. The provider's profile covers chat completions, completions and models;
 * none of its marks exists in a Responses API object, so the Responses API is served under {@code /v1}
 * only (docs/server.md, "OpenAI Responses API").
 */
public enum ApiStyle {
    OPENAI("chatcmpl-", "cmpl-", null),
    PROVIDER("chat-", "cmpl-", "");

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final String chatIdPrefix;
    private final String completionIdPrefix;
    /** The {@code system_fingerprint} value: OpenAI's is nullable; the provider sends "". */
    public final String systemFingerprint;

    ApiStyle(String chatIdPrefix, String completionIdPrefix, String systemFingerprint) {
        this.chatIdPrefix = chatIdPrefix;
        this.completionIdPrefix = completionIdPrefix;
        this.systemFingerprint = systemFingerprint;
    }

    public String newChatId() {
        return chatIdPrefix + randomSuffix();
    }

    public String newCompletionId() {
        return completionIdPrefix + randomSuffix();
    }

    /** Whether usage carries {@code prompt_tokens_details}/{@code completion_tokens_details} objects (else null). */
    public boolean usageDetails() {
        return this == OPENAI;
    }

    private String randomSuffix() {
        StringBuilder sb = new StringBuilder(32);
        if (this == OPENAI) {
            for (int i = 0; i < 29; i++) sb.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
        } else {
            for (int i = 0; i < 32; i++) sb.append(HEX[RANDOM.nextInt(16)]);
        }
        return sb.toString();
    }

    /** OpenAI's tool call ids: {@code call_} and 24 alphanumerics. */
    public static String newToolCallId() {
        StringBuilder sb = new StringBuilder("call_");
        for (int i = 0; i < 24; i++) sb.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
        return sb.toString();
    }

    public static String newRequestId() {
        StringBuilder sb = new StringBuilder("req_");
        for (int i = 0; i < 32; i++) sb.append(HEX[RANDOM.nextInt(16)]);
        return sb.toString();
    }
}
