package dev.cria.server.usage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The ledger: rows per key id, model and hour, in SQLite's WAL, kept across a reopen; a failing disk loses rows, never a request. */
class UsageLedgerTest {
    private static final long H = 1_764_900_000L / 3600 * 3600; // an hour boundary (2025-12-05 02:00 UTC)

    @TempDir
    Path dir;

    private static void written(CompletableFuture<Boolean> f) throws Exception {
        assertThat(f.get(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void requestsAddUpPerKeyModelAndHour() throws Exception {
        try (UsageLedger l = UsageLedger.open(dir.resolve("usage.db"))) {
            written(l.record(H + 10, "key_a", "m1", 100, 16, 20));
            written(l.record(H + 3599, "key_a", "m1", 50, 0, 5));
            written(l.record(H + 3600, "key_a", "m1", 7, 0, 1));   // the next hour
            written(l.record(H + 20, "key_b", "m1", 30, 0, 3));    // another key
            written(l.record(H + 30, "key_a", "m2", 40, 0, 4));    // another model

            List<UsageLedger.Total> hourly = l.totals(0, Long.MAX_VALUE, 3600, true, true, Set.of(), Set.of());

            assertThat(hourly).containsExactly(
                    new UsageLedger.Total(H, "key_a", "m1", 2, 150, 16, 25),
                    new UsageLedger.Total(H, "key_a", "m2", 1, 40, 0, 4),
                    new UsageLedger.Total(H, "key_b", "m1", 1, 30, 0, 3),
                    new UsageLedger.Total(H + 3600, "key_a", "m1", 1, 7, 0, 1));
        }
    }

    @Test
    void oneRowPerKeyModelAndHourIsStoredWhateverTheNumberOfRequests() throws Exception {
        Path db = dir.resolve("usage.db");
        try (UsageLedger l = UsageLedger.open(db)) {
            for (int i = 0; i < 200; i++) l.record(H + i, "key_a", "m1", 10, 0, 2);
            written(l.record(H + 300, "key_a", "m1", 10, 0, 2));
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT COUNT(*), SUM(requests), SUM(prompt_tokens) FROM usage_hourly")) {
            assertThat(r.getLong(1)).isEqualTo(1);
            assertThat(r.getLong(2)).isEqualTo(201);
            assertThat(r.getLong(3)).isEqualTo(2010);
        }
    }

    @Test
    void totalsAndTheKeyIdSecretSurviveAReopen() throws Exception {
        Path db = dir.resolve("usage.db");
        byte[] secret;
        try (UsageLedger l = UsageLedger.open(db)) {
            written(l.record(H, "key_a", "m1", 100, 0, 10));
            secret = l.keyIdSecret();
        }
        try (UsageLedger l = UsageLedger.open(db)) {
            written(l.record(H + 1, "key_a", "m1", 1, 0, 1));

            assertThat(l.keyIdSecret()).isEqualTo(secret);
            assertThat(l.totals(0, Long.MAX_VALUE, 86400, false, false, Set.of(), Set.of()))
                    .containsExactly(new UsageLedger.Total(H / 86400 * 86400, null, null, 2, 101, 0, 11));
        }
    }

    @Test
    void theDatabaseIsInWalMode() throws Exception {
        Path db = dir.resolve("usage.db");
        try (UsageLedger l = UsageLedger.open(db)) {
            written(l.record(H, "key_a", "m1", 1, 0, 1));
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("PRAGMA journal_mode")) {
            assertThat(r.getString(1)).isEqualTo("wal");
        }
    }

    @Test
    void filtersAndDayBucketsNarrowTheTotals() throws Exception {
        try (UsageLedger l = UsageLedger.open(dir.resolve("usage.db"))) {
            written(l.record(H, "key_a", "m1", 1, 0, 1));
            written(l.record(H, "key_b", "m1", 2, 0, 2));
            written(l.record(H, "key_b", "m2", 4, 0, 4));

            assertThat(l.totals(0, Long.MAX_VALUE, 86400, true, false, Set.of("key_b"), Set.of()))
                    .containsExactly(new UsageLedger.Total(H / 86400 * 86400, "key_b", null, 2, 6, 0, 6));
            assertThat(l.totals(0, Long.MAX_VALUE, 86400, false, true, Set.of(), Set.of("m1")))
                    .containsExactly(new UsageLedger.Total(H / 86400 * 86400, null, "m1", 2, 3, 0, 3));
            assertThat(l.totals(H + 3600, Long.MAX_VALUE, 3600, false, false, Set.of(), Set.of())).isEmpty();
        }
    }

    @Test
    void aFullDiskLosesRowsCountsThemAndNeverThrowsAtTheCaller() throws Exception {
        // max_page_count makes SQLite answer SQLITE_FULL, as a full disk does, once the file would grow.
        try (UsageLedger l = UsageLedger.open(dir.resolve("usage.db"), 3)) {
            int lost = 0;
            for (int i = 0; i < 300 && lost == 0; i++) {
                if (!l.record(H + i * 3600L, "key_" + i, "model-" + "x".repeat(200), 1, 0, 1).get(5, TimeUnit.SECONDS)) lost++;
            }

            assertThat(lost).isEqualTo(1);
            assertThat(l.lostRows()).isEqualTo(1);
            // and it goes on: the failed transaction was rolled back, and a row that fits (adding to an existing one) is written
            assertThat(l.record(H, "key_0", "model-" + "x".repeat(200), 1, 0, 1).get(5, TimeUnit.SECONDS)).isTrue();
            assertThat(l.lostRows()).isEqualTo(1);
            assertThat(l.totals(H, H + 1, 3600, true, false, Set.of(), Set.of()))
                    .containsExactly(new UsageLedger.Total(H, "key_0", null, 2, 2, 0, 2));
        }
    }
}
