package dev.cria.server.metrics;

import dev.cria.engine.EngineStats;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What {@code GET /metrics} serves: one server's engine and HTTP families from a registry this
 * server owns (a JVM can run several servers, tests do, and each must count only its own
 * requests), plus the process-wide JVM families (memory, GC, threads, classes, buffer pools,
 * process CPU and file descriptors).
 */
public final class ServerMetrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final ExpositionFormats formats = ExpositionFormats.init();
    private final HttpServerMetrics http;

    /**
     * @param engineStats the engine's snapshot now, or null while the model is not loaded
     * @param vllmNames   also export the endpoint picker's gauges under vLLM's names (see {@link EngineCollector})
     */
    public ServerMetrics(Supplier<EngineStats> engineStats, boolean vllmNames) {
        registry.register(new EngineCollector(engineStats, vllmNames));
        http = new HttpServerMetrics(registry);
    }

    /** A counter read at scrape time from {@code value} (exposed as {@code name_total}). */
    public void counter(String name, String help, LongSupplier value) {
        CounterWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsLong())).register(registry);
    }

    public HttpServerMetrics http() {
        return http;
    }

    /** A scrape's response. */
    public record Exposition(String contentType, byte[] body) {
    }

    /**
     * Scrapes now, in the format the scraper asks for: OpenMetrics 1.0 when its Accept header
     * names {@code application/openmetrics-text}, else the Prometheus text format 0.0.4
     * (prometheus.io/docs/instrumenting/exposition_formats), which any scraper reads.
     */
    public Exposition scrape(String acceptHeader) {
        MetricSnapshots.Builder all = MetricSnapshots.builder();
        for (MetricSnapshot s : registry.scrape()) all.metricSnapshot(s);
        for (MetricSnapshot s : JvmRegistry.REGISTRY.scrape()) all.metricSnapshot(s);
        ExpositionFormatWriter writer = writerFor(acceptHeader);
        ByteArrayOutputStream body = new ByteArrayOutputStream(16384);
        try {
            writer.write(body, all.build(), EscapingScheme.fromAcceptHeader(acceptHeader));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return new Exposition(writer.getContentType(), body.toByteArray());
    }

    /**
     * The client picks the protobuf format whenever the Accept header offers it (Prometheus does
     * when native histograms are on), whether or not its writer is on the classpath; it is not
     * (it needs protobuf, and nothing here is a native histogram), so such a scraper gets its next
     * choice: OpenMetrics if it also offers that, else the text format.
     */
    private ExpositionFormatWriter writerFor(String acceptHeader) {
        ExpositionFormatWriter writer = formats.findWriter(acceptHeader);
        if (writer.isAvailable()) return writer;
        ExpositionFormatWriter openMetrics = formats.getOpenMetricsTextFormatWriter();
        return openMetrics.accepts(acceptHeader) ? openMetrics : formats.getPrometheusTextFormatWriter();
    }

    /**
     * The JVM families describe the process, not a server, so they live in one registry per JVM.
     * Registering them per server would also leak: JvmMetrics remembers every registry it was
     * registered with in a static set (and adds GC notification listeners each time), which would
     * keep each stopped server's registry, and through it its engine, reachable.
     */
    private static final class JvmRegistry {
        static final PrometheusRegistry REGISTRY = new PrometheusRegistry();

        static {
            JvmMetrics.builder().register(REGISTRY);
        }
    }
}
