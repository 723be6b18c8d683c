package dev.cria.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of one load run, aggregated over its requests: output tokens per second over the
 * run's wall time, TTFT and inter-token latency percentiles (nearest rank), request counts, and the
 * server's own counters moved during the run when it is Cria ({@code /metrics}).
 *
 * @param requests         requests sent (ok + failed + disconnected)
 * @param disconnected     requests the client dropped on purpose mid-stream (--disconnect-fraction)
 * @param outputTokens     generated tokens the clients received (usage of completed requests, chunks of dropped ones)
 * @param meanPromptTokens mean usage.prompt_tokens of completed requests (template included for chat)
 * @param serverCancelled  cria_requests_cancelled_total moved during the run (null without /metrics)
 * @param serverPreemptions cria_preemptions_total moved during the run (null without /metrics)
 * @param kvBlocksUsedAfter cria_kv_blocks_used once the run was over (null without /metrics)
 */
record LoadBenchReport(String label, int concurrency, int requests, int ok, int failed, int disconnected, double seconds,
                       long outputTokens, double meanPromptTokens, double ttftP50Ms, double ttftP99Ms, double itlP50Ms,
                       double itlP99Ms, Long serverCancelled, Long serverPreemptions, Long kvBlocksUsedAfter, String firstError) {

    double outputTokensPerSecond() {
        return seconds > 0 ? outputTokens / seconds : 0;
    }

    double requestsPerSecond() {
        return seconds > 0 ? (ok + disconnected) / seconds : 0;
    }

    static LoadBenchReport of(String label, int concurrency, List<LoadBenchClient.Outcome> outcomes, double seconds,
                              Map<String, Double> before, Map<String, Double> after) {
        int ok = 0, failed = 0, disconnected = 0;
        long tokens = 0;
        long promptSum = 0;
        int promptN = 0;
        String firstError = null;
        double[] ttft = new double[outcomes.size()];
        int nTtft = 0;
        int nGaps = 0;
        for (LoadBenchClient.Outcome o : outcomes) nGaps += o.gapsNanos().length;
        double[] itl = new double[nGaps];
        nGaps = 0;
        for (LoadBenchClient.Outcome o : outcomes) {
            switch (o.status()) {
                case OK -> ok++;
                case FAILED -> {
                    failed++;
                    if (firstError == null) firstError = o.error();
                }
                case DISCONNECTED -> disconnected++;
            }
            if (o.status() == LoadBenchClient.Status.FAILED) continue;
            tokens += o.outputTokens();
            if (o.promptTokens() >= 0) {
                promptSum += o.promptTokens();
                promptN++;
            }
            if (o.firstTextNanos() >= 0) ttft[nTtft++] = (o.firstTextNanos() - o.startNanos()) / 1e6;
            for (long g : o.gapsNanos()) itl[nGaps++] = g / 1e6;
        }
        double[] t = Arrays.copyOf(ttft, nTtft);
        Arrays.sort(t);
        Arrays.sort(itl);
        return new LoadBenchReport(label, concurrency, outcomes.size(), ok, failed, disconnected, seconds, tokens,
                promptN == 0 ? 0 : (double) promptSum / promptN, percentile(t, 50), percentile(t, 99), percentile(itl, 50),
                percentile(itl, 99), delta(before, after, "cria_requests_cancelled_total"),
                delta(before, after, "cria_preemptions_total"),
                after == null || !after.containsKey("cria_kv_blocks_used") ? null : after.get("cria_kv_blocks_used").longValue(),
                firstError);
    }

    /** Nearest-rank percentile of sorted values; NaN when there are none. */
    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) return Double.NaN;
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static Long delta(Map<String, Double> before, Map<String, Double> after, String name) {
        if (before == null || after == null || !before.containsKey(name) || !after.containsKey(name)) return null;
        return Math.round(after.get(name) - before.get(name));
    }

    ObjectNode json() {
        ObjectNode o = LoadBenchClient.JSON.createObjectNode();
        o.put("label", label);
        o.put("concurrency", concurrency);
        o.put("requests", requests);
        o.put("ok", ok);
        o.put("failed", failed);
        o.put("disconnected", disconnected);
        o.put("duration_s", round(seconds, 3));
        o.put("output_tokens", outputTokens);
        o.put("output_tokens_per_second", round(outputTokensPerSecond(), 2));
        o.put("requests_per_second", round(requestsPerSecond(), 3));
        o.put("mean_prompt_tokens", round(meanPromptTokens, 1));
        ms(o, "ttft_p50_ms", ttftP50Ms);
        ms(o, "ttft_p99_ms", ttftP99Ms);
        ms(o, "itl_p50_ms", itlP50Ms);
        ms(o, "itl_p99_ms", itlP99Ms);
        if (serverCancelled != null) o.put("server_cancelled", serverCancelled);
        else o.putNull("server_cancelled");
        if (serverPreemptions != null) o.put("server_preemptions", serverPreemptions);
        else o.putNull("server_preemptions");
        if (kvBlocksUsedAfter != null) o.put("kv_blocks_used_after", kvBlocksUsedAfter);
        else o.putNull("kv_blocks_used_after");
        if (firstError != null) o.put("first_error", firstError);
        return o;
    }

    private static void ms(ObjectNode o, String field, double v) {
        if (Double.isNaN(v)) o.putNull(field);
        else o.put(field, round(v, 3));
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    static void printTable(PrintStream out, List<LoadBenchReport> reports) {
        out.printf(Locale.ROOT, "| %-10s | %4s | %8s | %6s | %6s | %5s | %9s | %10s | %9s | %9s | %8s | %8s |%n", "run", "conc", "requests",
                "ok", "failed", "drop", "out tok", "out tok/s", "TTFT p50", "TTFT p99", "ITL p50", "ITL p99");
        out.printf(Locale.ROOT, "|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%n", "-".repeat(12), "-".repeat(6), "-".repeat(10),
                "-".repeat(8), "-".repeat(8), "-".repeat(7), "-".repeat(11), "-".repeat(12), "-".repeat(11), "-".repeat(11),
                "-".repeat(10), "-".repeat(10));
        for (LoadBenchReport r : reports) {
            out.printf(Locale.ROOT, "| %-10s | %4d | %8d | %6d | %6d | %5d | %9d | %10.1f | %7.1fms | %7.1fms | %6.2fms | %6.2fms |%n",
                    r.label(), r.concurrency(), r.requests(), r.ok(), r.failed(), r.disconnected(), r.outputTokens(),
                    r.outputTokensPerSecond(), r.ttftP50Ms(), r.ttftP99Ms(), r.itlP50Ms(), r.itlP99Ms());
        }
    }
}
