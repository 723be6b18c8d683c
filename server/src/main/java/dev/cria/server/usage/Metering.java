package dev.cria.server.usage;

import dev.cria.server.api.ApiError;

import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * A server's usage metering and per-key limits: who a request is (a {@link KeyIds key id}), the
 * requests-per-minute check at admission, the ledger rows, and {@code GET /v1/usage}.
 */
public final class Metering implements AutoCloseable {
    private static final long HOUR = 3600, DAY = 86400;
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    private final UsageLedger ledger;
    private final KeyIds ids;
    private final RateLimiter limiter;
    private final byte[][] adminDigests;
    private final BigDecimal priceInput;
    private final BigDecimal priceOutput;

    private Metering(UsageLedger ledger, KeyIds ids, RateLimiter limiter, List<String> adminKeys, BigDecimal priceInput,
                     BigDecimal priceOutput) {
        this.ledger = ledger;
        this.ids = ids;
        this.limiter = limiter;
        this.adminDigests = adminKeys.stream().map(Metering::sha256).toArray(byte[][]::new);
        this.priceInput = priceInput;
        this.priceOutput = priceOutput;
    }

    /**
     * Opens the ledger (when asked) and reads the limits. Key ids use the ledger's secret, so they
     * stay the same across restarts; without a ledger the secret is new each start.
     */
    public static Metering open(MeteringOptions o) {
        UsageLedger ledger = o.usageDb() == null ? null : UsageLedger.open(o.usageDb());
        try {
            KeyIds ids = new KeyIds(ledger == null ? KeyIds.newSecret() : ledger.keyIdSecret());
            KeyLimits limits = o.keyLimits() == null ? KeyLimits.NONE : KeyLimits.read(o.keyLimits(), ids);
            return new Metering(ledger, ids, new RateLimiter(limits), o.adminKeys(), o.priceInput(), o.priceOutput());
        } catch (RuntimeException e) {
            if (ledger != null) ledger.close();
            throw e;
        }
    }

    /** No ledger, no limits, no admin. */
    public static Metering off() {
        return open(MeteringOptions.off());
    }

    /** Tests and library callers: a given ledger (or null), key ids, limiter and admin keys; no prices. */
    public static Metering of(UsageLedger ledger, KeyIds ids, RateLimiter limiter, List<String> adminKeys) {
        return new Metering(ledger, ids, limiter, adminKeys, null, null);
    }

    public String keyId(String key) {
        return ids.of(key);
    }

    /**
     * Admits one API request of {@code key} (null: none presented): counts it against the key's
     * requests per minute, or throws a 429 when none is left; writes the key's rate-limit headers
     * through {@code headers} (nothing for a key without limits).
     */
    public RequestMeter admit(String key, BiConsumer<String, String> headers) {
        String id = ids.of(key);
        RateLimiter.KeyBuckets b = limiter.of(id);
        if (b != null) {
            if (b.tokens() != null) tokenHeaders(b.tokens().state(), headers);
            if (b.requests() != null) {
                long wait = b.requests().tryTake(1);
                requestHeaders(b.requests().state(), headers);
                if (wait != 0) {
                    throw rateLimited("requests", wait, "Rate limit reached on requests per minute (RPM) for key " + id
                            + ": Limit " + b.requests().state().limit() + ". Please try again in "
                            + RateLimiter.goDuration(wait) + ".");
                }
            }
        }
        return new RequestMeter(this, id, b, headers);
    }

    /**
     * Whether the usage API may answer: the admin key passes; a valid API key is a 403 (it may
     * generate, not read everyone's usage); anything else a 401.
     */
    public void authorizeUsage(String presented, boolean isApiKey) {
        if (presented != null) {
            byte[] d = sha256(presented);
            boolean ok = false;
            for (byte[] a : adminDigests) ok |= MessageDigest.isEqual(a, d);
            if (ok) return;
        }
        if (adminDigests.length == 0) {
            throw ApiError.permissionDenied("The usage API needs an admin key: start the server with --admin-key-file FILE "
                    + "(or CRIA_ADMIN_KEY) and send that key.");
        }
        if (isApiKey) throw ApiError.permissionDenied("This key may not read usage: the usage API takes the admin key.");
        throw ApiError.unauthorized(presented == null ? "The usage API needs the admin key: Authorization: Bearer ADMIN_KEY."
                : "Incorrect admin key provided.");
    }

    CompletableFuture<Boolean> record(long at, String keyId, String model, long prompt, long cached, long completion) {
        if (ledger == null) return CompletableFuture.completedFuture(false);
        return ledger.record(at, keyId, model, prompt, cached, completion);
    }

    /** Whether usage is recorded (--usage-db). */
    public boolean ledgerOn() {
        return ledger != null;
    }

    /** Rows lost since start (disk failure, queue full); 0 without a ledger. */
    public long lostRows() {
        return ledger == null ? 0 : ledger.lostRows();
    }

    /**
     * {@code GET /v1/usage}: OpenAI's completions usage page ({@code /v1/organization/usage/completions}):
     * {@code start_time} (Unix seconds, default 0), {@code end_time} (exclusive, default now),
     * {@code bucket_width} {@code 1h} or {@code 1d} (default), {@code group_by} ({@code api_key_id},
     * {@code model}), filters {@code api_key_ids}, {@code models}. Lists take commas or repeats.
     */
    public Map<String, Object> usage(Map<String, List<String>> query) {
        if (ledger == null) throw ApiError.notFound("Usage metering is off: start the server with --usage-db PATH.");
        long now = System.currentTimeMillis() / 1000;
        long start = seconds(query, "start_time", 0);
        long end = seconds(query, "end_time", now + 1);
        String width = one(query, "bucket_width", "1d");
        long bucket = switch (width) {
            case "1h" -> HOUR;
            case "1d" -> DAY;
            default -> throw ApiError.badRequest("bucket_width must be 1h or 1d, got '" + width + "'.", "bucket_width");
        };
        Set<String> groups = list(query, "group_by");
        for (String g : groups) {
            if (!g.equals("api_key_id") && !g.equals("model")) {
                throw ApiError.badRequest("group_by takes api_key_id and model, got '" + g + "'.", "group_by");
            }
        }
        boolean byKey = groups.contains("api_key_id"), byModel = groups.contains("model");
        List<UsageLedger.Total> totals = ledger.totals(start, end, bucket, byKey, byModel, list(query, "api_key_ids"),
                list(query, "models"));
        List<Map<String, Object>> data = new ArrayList<>();
        Map<String, Object> current = null;
        for (UsageLedger.Total t : totals) {
            if (current == null || (long) current.get("start_time") != t.bucketStart()) {
                current = new LinkedHashMap<>();
                current.put("object", "bucket");
                current.put("start_time", t.bucketStart());
                current.put("end_time", t.bucketStart() + bucket);
                current.put("results", new ArrayList<Map<String, Object>>());
                data.add(current);
            }
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> results = (List<Map<String, Object>>) current.get("results");
            results.add(result(t));
        }
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("object", "page");
        page.put("data", data);
        page.put("has_more", false);
        page.put("next_page", null);
        return page;
    }

    private Map<String, Object> result(UsageLedger.Total t) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("object", "organization.usage.completions.result");
        r.put("input_tokens", t.promptTokens());
        r.put("output_tokens", t.completionTokens());
        r.put("input_cached_tokens", t.cachedTokens());
        r.put("input_audio_tokens", 0);
        r.put("output_audio_tokens", 0);
        r.put("num_model_requests", t.requests());
        r.put("project_id", null);
        r.put("user_id", null);
        r.put("api_key_id", t.keyId());
        r.put("model", t.model());
        r.put("batch", null);
        if (priceInput != null || priceOutput != null) {
            BigDecimal cost = cost(priceInput, t.promptTokens()).add(cost(priceOutput, t.completionTokens()));
            Map<String, Object> amount = new LinkedHashMap<>();
            amount.put("value", cost.round(MathContext.DECIMAL64).stripTrailingZeros());
            amount.put("currency", "usd");
            r.put("cost", amount);
        }
        return r;
    }

    private static BigDecimal cost(BigDecimal perMillion, long tokens) {
        return perMillion == null ? BigDecimal.ZERO : perMillion.multiply(BigDecimal.valueOf(tokens)).divide(MILLION, MathContext.DECIMAL64);
    }

    private static String one(Map<String, List<String>> q, String name, String fallback) {
        List<String> v = q.get(name);
        return v == null || v.isEmpty() ? fallback : v.getLast();
    }

    private static long seconds(Map<String, List<String>> q, String name, long fallback) {
        String v = one(q, name, null);
        if (v == null) return fallback;
        try {
            long s = Long.parseLong(v);
            if (s < 0) throw new NumberFormatException();
            return s;
        } catch (NumberFormatException e) {
            throw ApiError.badRequest(name + " must be Unix seconds (a non-negative integer), got '" + v + "'.", name);
        }
    }

    /** A list parameter: {@code a,b}, {@code x=a&x=b} or {@code x[]=a} alike. */
    private static Set<String> list(Map<String, List<String>> q, String name) {
        Set<String> out = new LinkedHashSet<>();
        for (String key : List.of(name, name + "[]")) {
            for (String v : q.getOrDefault(key, List.of())) {
                for (String part : v.split(",")) if (!part.isBlank()) out.add(part.strip());
            }
        }
        return out;
    }

    static void requestHeaders(RateLimiter.State s, BiConsumer<String, String> headers) {
        headers.accept("x-ratelimit-limit-requests", Long.toString(s.limit()));
        headers.accept("x-ratelimit-remaining-requests", Long.toString(s.remaining()));
        headers.accept("x-ratelimit-reset-requests", RateLimiter.goDuration(s.resetNanos()));
    }

    static void tokenHeaders(RateLimiter.State s, BiConsumer<String, String> headers) {
        headers.accept("x-ratelimit-limit-tokens", Long.toString(s.limit()));
        headers.accept("x-ratelimit-remaining-tokens", Long.toString(s.remaining()));
        headers.accept("x-ratelimit-reset-tokens", RateLimiter.goDuration(s.resetNanos()));
    }

    /** A 429 of type {@code requests} or {@code tokens}; {@code waitNanos} &lt; 0: waiting cannot help (no Retry-After). */
    static ApiError rateLimited(String type, long waitNanos, String message) {
        Integer retry = waitNanos < 0 ? null : (int) Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
        return ApiError.rateLimited(type, message, retry);
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes what the ledger still holds and closes it. */
    @Override
    public void close() {
        if (ledger != null) ledger.close();
    }
}
