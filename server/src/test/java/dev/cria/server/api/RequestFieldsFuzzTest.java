package dev.cria.server.api;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Any JSON value in a field, read with each of {@link RequestFields}' typed reads and any range: the
 * read gives null (absent or JSON null), a value of the asked type inside the range, or an
 * {@link ApiError} 400 naming the field; nothing else.
 */
class RequestFieldsFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void readArbitraryField(FuzzedDataProvider data) {
        String prefix = data.consumeBoolean() ? "" : "input_data.parameters.";
        int read = data.consumeInt(0, 4);
        // Callers pass ordered, finite bounds (0..2, -2..2, 1..Integer.MAX_VALUE, ...).
        double d1 = data.consumeRegularDouble(), d2 = data.consumeRegularDouble();
        double dmin = Math.min(d1, d2), dmax = Math.max(d1, d2);
        long l1 = data.consumeLong(), l2 = data.consumeLong();
        long lmin = Math.min(l1, l2), lmax = Math.max(l1, l2);
        String value = data.consumeRemainingAsString();
        ObjectNode node;
        try {
            node = ApiJson.parseObject(("{\"x\": " + value + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (ApiError e) {
            return; // not JSON: nothing to read
        }
        RequestFields f = new RequestFields(node, prefix);
        try {
            switch (read) {
                case 0 -> f.string("x");
                case 1 -> f.bool("x");
                case 2 -> {
                    Double d = f.number("x", dmin, dmax);
                    if (d != null && !(d >= dmin && d <= dmax)) throw new AssertionError(d + " outside [" + dmin + ", " + dmax + "]");
                }
                case 3 -> {
                    Long l = f.integer("x", lmin, lmax);
                    if (l != null && (l < lmin || l > lmax)) throw new AssertionError(l + " outside [" + lmin + ", " + lmax + "]");
                }
                default -> f.requiredString("x");
            }
        } catch (ApiError e) {
            if (e.status() != 400 || !(prefix + "x").equals(e.param())) {
                throw new AssertionError("status " + e.status() + ", param " + e.param() + ": " + e.getMessage(), e);
            }
        }
    }
}
