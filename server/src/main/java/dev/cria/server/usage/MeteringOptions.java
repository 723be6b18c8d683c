package dev.cria.server.usage;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;

/**
 * Usage metering and per-key limits.
 *
 * @param usageDb     the SQLite ledger; null = no ledger ({@code /v1/usage} then answers 404)
 * @param adminKeys   keys accepted by {@code GET /v1/usage} (and only there); empty = nobody may read usage
 * @param priceInput  price per million prompt tokens, or null (no cost in the usage answer)
 * @param priceOutput price per million completion tokens, or null
 * @param keyLimits   the {@code --key-limits} file, or null (no limits)
 */
public record MeteringOptions(Path usageDb, List<String> adminKeys, BigDecimal priceInput, BigDecimal priceOutput,
                              Path keyLimits) {
    public MeteringOptions {
        adminKeys = adminKeys == null ? List.of() : List.copyOf(adminKeys);
        for (String k : adminKeys) {
            if (k == null || k.isBlank()) throw new IllegalArgumentException("an admin key must not be empty");
        }
        if (priceInput != null && priceInput.signum() < 0) throw new IllegalArgumentException("--price-input must not be negative");
        if (priceOutput != null && priceOutput.signum() < 0) throw new IllegalArgumentException("--price-output must not be negative");
    }

    public static MeteringOptions off() {
        return new MeteringOptions(null, List.of(), null, null, null);
    }
}
