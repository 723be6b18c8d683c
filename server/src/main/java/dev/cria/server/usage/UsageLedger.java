package dev.cria.server.usage;

import org.sqlite.SQLiteConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Token usage per key id, model and hour, in a SQLite database (WAL journal, {@code synchronous=FULL}:
 * a committed transaction survives a killed process and a power cut). Requests hand their counts to
 * {@link #record}, which never blocks: a bounded queue (4096 entries) that one writer thread drains,
 * summing what it took into one upsert per (hour, key, model) in one transaction. When the queue is
 * full or the disk fails, the rows are lost, counted ({@link #lostRows}) and logged, and the request
 * goes on as if nothing happened: metering never fails a generation.
 *
 * <p>Table {@code usage_hourly(hour_start, key_id, model, requests, prompt_tokens, cached_tokens,
 * completion_tokens)}, {@code hour_start} in Unix seconds (UTC), primary key the first three;
 * {@code prompt_tokens} includes {@code cached_tokens}, as OpenAI counts them. Table
 * {@code installation} holds the secret behind {@link KeyIds}.
 */
public final class UsageLedger implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UsageLedger.class);
    static final int QUEUE = 4096;
    private static final int BATCH = 512;

    /** One request's usage: {@code atEpochSecond} is when it finished. */
    public record Entry(long atEpochSecond, String keyId, String model, long promptTokens, long cachedTokens,
                        long completionTokens, CompletableFuture<Boolean> written) {
    }

    /** A sum over a bucket and, when grouped, a key id and a model (null when not grouped by it). */
    public record Total(long bucketStart, String keyId, String model, long requests, long promptTokens,
                        long cachedTokens, long completionTokens) {
    }

    private final String url;
    /** Tests: a page limit for the writer's connection, so a write fails as on a full disk (SQLITE_FULL); 0 = none. */
    private final int maxPages;
    private final ArrayBlockingQueue<Entry> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong lost = new AtomicLong();
    private final Thread writer;
    private final byte[] secret;
    private volatile boolean closing;
    private Connection connection; // the writer thread's
    private long lastFailureLog;

    private UsageLedger(Path file, int maxPages) throws SQLException {
        this.url = "jdbc:sqlite:" + file.toAbsolutePath();
        this.maxPages = maxPages;
        try (Connection c = open()) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS installation (name TEXT PRIMARY KEY, value BLOB NOT NULL)");
                s.execute("CREATE TABLE IF NOT EXISTS usage_hourly (hour_start INTEGER NOT NULL, key_id TEXT NOT NULL, "
                        + "model TEXT NOT NULL, requests INTEGER NOT NULL, prompt_tokens INTEGER NOT NULL, "
                        + "cached_tokens INTEGER NOT NULL, completion_tokens INTEGER NOT NULL, "
                        + "PRIMARY KEY (hour_start, key_id, model)) WITHOUT ROWID");
            }
            secret = readOrCreateSecret(c);
        }
        writer = Thread.ofPlatform().name("cria-usage-writer").daemon().start(this::drain);
    }

    /** Opens (or creates, parent folders included) the ledger at {@code file}. */
    public static UsageLedger open(Path file) {
        return open(file, 0);
    }

    /** Tests: a ledger whose writes fail once the file holds {@code maxPages} pages, as on a full disk. */
    static UsageLedger open(Path file, int maxPages) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            return new UsageLedger(file, maxPages);
        } catch (Exception e) {
            throw new IllegalArgumentException("--usage-db " + file + ": cannot open the usage database: " + e.getMessage(), e);
        }
    }

    private Connection open() throws SQLException {
        // The driver directly, not DriverManager's service lookup: nothing depends on how a jar merged META-INF/services.
        Connection c = new SQLiteConfig().createConnection(url);
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=FULL");
            s.execute("PRAGMA busy_timeout=5000");
        }
        return c;
    }

    private static byte[] readOrCreateSecret(Connection c) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT value FROM installation WHERE name = 'key_id_secret'");
             ResultSet r = q.executeQuery()) {
            if (r.next()) return r.getBytes(1);
        }
        byte[] s = KeyIds.newSecret();
        try (PreparedStatement ins = c.prepareStatement("INSERT INTO installation (name, value) VALUES ('key_id_secret', ?)")) {
            ins.setBytes(1, s);
            ins.executeUpdate();
        }
        return s;
    }

    /** The installation's key id secret. */
    public byte[] keyIdSecret() {
        return secret.clone();
    }

    /**
     * Queues one request's usage; never blocks. The future completes true once the row is committed,
     * false if it was lost (queue full, disk failure, ledger closed).
     */
    public CompletableFuture<Boolean> record(long atEpochSecond, String keyId, String model, long promptTokens,
                                             long cachedTokens, long completionTokens) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        Entry e = new Entry(atEpochSecond, keyId, model, promptTokens, cachedTokens, completionTokens, done);
        if (closing || !queue.offer(e)) {
            lose(List.of(e), closing ? "the ledger is closed" : "the write queue is full (the disk is too slow)");
        }
        return done;
    }

    /** Rows (requests) that could not be written since the server started. */
    public long lostRows() {
        return lost.get();
    }

    private void drain() {
        List<Entry> batch = new ArrayList<>(BATCH);
        while (true) {
            try {
                Entry first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closing && queue.isEmpty()) break;
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                write(batch);
            } catch (InterruptedException e) {
                break;
            } finally {
                batch.clear();
            }
        }
        closeConnection();
    }

    private void write(List<Entry> batch) {
        Map<List<Object>, long[]> sums = new LinkedHashMap<>();
        for (Entry e : batch) {
            long hour = Math.floorDiv(e.atEpochSecond(), 3600) * 3600;
            long[] s = sums.computeIfAbsent(List.of(hour, e.keyId(), e.model()), k -> new long[4]);
            s[0]++;
            s[1] += e.promptTokens();
            s[2] += e.cachedTokens();
            s[3] += e.completionTokens();
        }
        try {
            if (connection == null) {
                connection = open();
                if (maxPages > 0) {
                    try (Statement s = connection.createStatement()) {
                        s.execute("PRAGMA max_page_count=" + maxPages);
                    }
                }
            }
            connection.setAutoCommit(false);
            try (PreparedStatement up = connection.prepareStatement("INSERT INTO usage_hourly (hour_start, key_id, model, "
                    + "requests, prompt_tokens, cached_tokens, completion_tokens) VALUES (?, ?, ?, ?, ?, ?, ?) "
                    + "ON CONFLICT (hour_start, key_id, model) DO UPDATE SET requests = requests + excluded.requests, "
                    + "prompt_tokens = prompt_tokens + excluded.prompt_tokens, cached_tokens = cached_tokens + excluded.cached_tokens, "
                    + "completion_tokens = completion_tokens + excluded.completion_tokens")) {
                for (Map.Entry<List<Object>, long[]> row : sums.entrySet()) {
                    up.setLong(1, (Long) row.getKey().get(0));
                    up.setString(2, (String) row.getKey().get(1));
                    up.setString(3, (String) row.getKey().get(2));
                    for (int i = 0; i < 4; i++) up.setLong(4 + i, row.getValue()[i]);
                    up.addBatch();
                }
                up.executeBatch();
            }
            connection.commit();
            for (Entry e : batch) e.written().complete(true);
        } catch (SQLException | RuntimeException ex) {
            try {
                if (connection != null) connection.rollback();
            } catch (SQLException ignored) {
                // the connection is broken; it is reopened for the next batch
            }
            closeConnection();
            lose(batch, "the database write failed: " + ex.getMessage());
        }
    }

    private void lose(List<Entry> entries, String why) {
        long total = lost.addAndGet(entries.size());
        for (Entry e : entries) e.written().complete(false);
        long now = System.currentTimeMillis();
        synchronized (this) {
            // One line per failure, at most every 10 s: a dead disk must not flood the log.
            if (now - lastFailureLog < 10_000) return;
            lastFailureLog = now;
        }
        LOG.error("usage ledger: {} row(s) lost ({} since start): {}", entries.size(), total, why);
    }

    private void closeConnection() {
        if (connection == null) return;
        try {
            connection.close();
        } catch (SQLException ignored) {
            // nothing more to do
        }
        connection = null;
    }

    /**
     * Sums from {@code fromEpochSecond} (inclusive) to {@code toEpochSecond} (exclusive), by hour
     * rows, in buckets of {@code bucketSeconds} aligned to the epoch (UTC), grouped by key id and/or
     * model as asked, filtered to {@code keyIds} and {@code models} when not empty; ordered by bucket.
     */
    public List<Total> totals(long fromEpochSecond, long toEpochSecond, long bucketSeconds, boolean byKey, boolean byModel,
                              Set<String> keyIds, Set<String> models) {
        StringBuilder sql = new StringBuilder("SELECT (hour_start / ?) * ? AS bucket, ")
                .append(byKey ? "key_id" : "NULL").append(", ").append(byModel ? "model" : "NULL")
                .append(", SUM(requests), SUM(prompt_tokens), SUM(cached_tokens), SUM(completion_tokens) FROM usage_hourly "
                        + "WHERE hour_start >= ? AND hour_start < ?");
        List<Object> args = new ArrayList<>(List.of(bucketSeconds, bucketSeconds, fromEpochSecond, toEpochSecond));
        if (!keyIds.isEmpty()) {
            sql.append(" AND key_id IN (").append("?, ".repeat(keyIds.size() - 1)).append("?)");
            args.addAll(keyIds);
        }
        if (!models.isEmpty()) {
            sql.append(" AND model IN (").append("?, ".repeat(models.size() - 1)).append("?)");
            args.addAll(models);
        }
        sql.append(" GROUP BY bucket").append(byKey ? ", key_id" : "").append(byModel ? ", model" : "")
                .append(" ORDER BY bucket").append(byKey ? ", key_id" : "").append(byModel ? ", model" : "");
        try (Connection c = open(); PreparedStatement q = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) q.setObject(i + 1, args.get(i));
            List<Total> out = new ArrayList<>();
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    out.add(new Total(r.getLong(1), r.getString(2), r.getString(3), r.getLong(4), r.getLong(5),
                            r.getLong(6), r.getLong(7)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("the usage database cannot be read: " + e.getMessage(), e);
        }
    }

    /** Writes what is queued (up to 5 s), then stops the writer. */
    @Override
    public void close() {
        closing = true;
        try {
            writer.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Entry> left = new ArrayList<>();
        queue.drainTo(left);
        if (!left.isEmpty()) lose(left, "the server stopped before they were written");
    }
}
