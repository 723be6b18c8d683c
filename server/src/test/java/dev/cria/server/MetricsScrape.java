package dev.cria.server;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One scrape of {@code /metrics} in the Prometheus text format 0.0.4, parsed strictly
 * (prometheus.io/docs/instrumenting/exposition_formats): every line is a {@code # HELP}, a
 * {@code # TYPE} or a sample; a family's TYPE comes before its samples; every typed family has a
 * HELP. Samples are keyed by name plus labels as written, {@code name{k=v,k2=v2}}.
 *
 * @param types   family name → type
 * @param samples sample key → value
 */
record MetricsScrape(Map<String, String> types, Map<String, Double> samples) {
    private static final Pattern COMMENT = Pattern.compile("# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)");
    /** name, optional {labels}, value; label values may hold any escaped character (\\, \", \n). */
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{((?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\",?)*)})? (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
    /** The sample suffixes that belong to a histogram or summary family (TYPE names the family without them). */
    private static final Pattern FAMILY_SUFFIX = Pattern.compile("_(bucket|sum|count)$");

    static MetricsScrape of(URI metrics, String... headers) throws Exception {
        HttpResponse<String> r = Http.get(metrics, headers);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElseThrow()).startsWith("text/plain; version=0.0.4");
        return parse(r.body());
    }

    static MetricsScrape parse(String body) {
        Map<String, String> types = new LinkedHashMap<>();
        Set<String> helped = new HashSet<>();
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : body.split("\n")) {
            Matcher c = COMMENT.matcher(line);
            if (c.matches()) {
                if (c.group(1).equals("HELP")) helped.add(c.group(2));
                else types.put(c.group(2), c.group(3));
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("a sample line: %s", line).isTrue();
            String name = m.group(1);
            String family = FAMILY_SUFFIX.matcher(name).replaceAll("");
            assertThat(types).as("TYPE before the samples of %s", name).containsKey(types.containsKey(name) ? name : family);
            samples.put(key(name, m.group(2)), value(m.group(3)));
        }
        assertThat(helped).isEqualTo(types.keySet());
        assertThat(body).endsWith("\n");
        return new MetricsScrape(types, samples);
    }

    private static String key(String name, String labels) {
        if (labels == null || labels.isEmpty()) return name;
        StringBuilder k = new StringBuilder(name).append('{');
        Matcher l = LABEL.matcher(labels);
        while (l.find()) {
            if (k.charAt(k.length() - 1) != '{') k.append(',');
            k.append(l.group(1)).append('=').append(l.group(2));
        }
        return k.append('}').toString();
    }

    /** The format writes infinities as +Inf and -Inf (Go's ParseFloat spelling), which Double.parseDouble does not read. */
    private static double value(String v) {
        return switch (v) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(v);
        };
    }

    double get(String sample) {
        assertThat(samples).containsKey(sample);
        return samples.get(sample);
    }

    /** The value of a sample, 0 when the scrape has none (a labelled series appears at its first observation). */
    double getOrZero(String sample) {
        return samples.getOrDefault(sample, 0.0);
    }
}
