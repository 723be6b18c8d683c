package dev.cria.server;

import dev.cria.engine.Engine;
import dev.cria.server.anthropic.AnthropicErrors;
import dev.cria.server.anthropic.Messages;
import dev.cria.server.api.ApiError;
import dev.cria.server.api.ApiJson;
import dev.cria.server.api.ApiStyle;
import dev.cria.server.api.ErrorFormat;
import dev.cria.server.api.ServedModels;
import dev.cria.server.metrics.ServerMetrics;
import dev.cria.server.ollama.OllamaApi;
import dev.cria.server.ollama.OllamaChat;
import dev.cria.server.ollama.OllamaGenerate;
import dev.cria.server.ollama.OllamaModels;
import dev.cria.server.openai.ChatCompletions;
import dev.cria.server.safety.ContentSafety;
import dev.cria.server.openai.Completions;
import dev.cria.server.openai.Models;
import dev.cria.server.responses.Responses;
import dev.cria.server.score.Score;
import dev.cria.server.serving.ServerState;
import dev.cria.server.tokenize.Tokenize;
import dev.cria.server.usage.Metering;
import dev.cria.server.usage.RequestMeter;
import dev.cria.server.web.WebPage;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.server.handler.StatisticsHandler;
import org.eclipse.jetty.servlet.FilterHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The HTTP server: OpenAI's API under {@code /v1} and, in the hosted provider's style, under
 * {@code /v3/openai}; Anthropic's Messages API under {@code /v1/messages}; Ollama's API under
 * {@code /api}; Azure ML's {@code /score}; llama.cpp's {@code /tokenize} and {@code /detokenize};
 * {@code /health} (liveness) and {@code /ready} (readiness); Prometheus {@code /metrics}; the chat page
 * at {@code /}. Requests run on virtual threads; generation runs on the engine's loop. Start with
 * {@link #start} (engine ready) or {@link #startLoading} (bind now, answer 503 until the model is
 * loaded); {@link #stop} withdraws, then drains.
 */
public final class CriaServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CriaServer.class);
    private static final String ERROR_WRITTEN = "cria.error-written";
    private static final String COUNTED = "cria.counted";
    private static final String METER = "cria.meter";
    /** Usage (admin key only): OpenAI's completions usage page, under a short path and OpenAI's own. */
    private static final Set<String> USAGE_PATHS = Set.of("/v1/usage", "/v1/organization/usage/completions");
    /** Paths served without a key and not counted as in-flight work: probes and the scraper. */
    private static final Set<String> OPEN_PATHS = Set.of("/health", "/ready", "/metrics");
    /** How long stop() waits for responses whose handlers are done to finish sending. */
    private static final Duration FLUSH_ON_STOP = Duration.ofSeconds(5);

    /**
     * Routes that speak another API than OpenAI's: under {@code prefix}, the key may come in
     * {@code keyHeader} (else as Bearer) and errors take that API's {@code errors} format. Every
     * other path is OpenAI's: Bearer or Azure's {@code api-key}, OpenAI's envelope.
     */
    private record RouteFamily(String prefix, String keyHeader, ErrorFormat errors, String missingKey) {
        boolean owns(String path) {
            return path.equals(prefix) || path.startsWith(prefix + "/");
        }
    }

    private static final RouteFamily OPENAI = new RouteFamily("", "api-key", ErrorFormat.OPENAI,
            "You didn't provide an API key. You need to provide your API key in an Authorization header "
                    + "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).");
    /** Route families other than OpenAI's: Anthropic's SDKs send the key as {@code x-api-key} (or as Bearer, given an auth token); Ollama's clients send Bearer or nothing. */
    private static final List<RouteFamily> FAMILIES = List.of(
            new RouteFamily(Messages.PATH, "x-api-key", AnthropicErrors.FORMAT,
                    "x-api-key header is required (or Authorization: Bearer YOUR_KEY)."),
            new RouteFamily(OllamaApi.PATH, "api-key", OllamaApi.ERRORS, OPENAI.missingKey()));

    private final ServerOptions options;
    private final ServerState state;
    private final ApiKeys keys;
    private final HostCheck hosts;
    private final CorsHeaders cors;
    private final ServerMetrics metrics;
    private final Metering metering;
    private final Javalin app;
    private final boolean ownsEngine;
    /** Content filtering (--guard): the Guard model once loaded, the policy, where results are reported. */
    private final ContentSafety safety;
    private final CountDownLatch loaded = new CountDownLatch(1);
    private final AtomicBoolean stopped = new AtomicBoolean();
    /**
     * Requests whose response Jetty has not finished sending. A handler is done (and the in-flight
     * count down) before Jetty sends a response's last bytes, a stream's terminating chunk
     * included: stopping the listener then cut drained streams short. This handler counts a
     * request until its response is complete, and stop() waits for it.
     */
    private final StatisticsHandler openExchanges = new StatisticsHandler();
    /** The paths of the API's routes, in registration order (CORS preflights are answered on these). */
    private final Set<String> apiPaths = new LinkedHashSet<>();
    private volatile Throwable loadFailure;

    private CriaServer(ServerOptions options, boolean ownsEngine, ContentSafety safety, Metering metering) {
        this.options = options;
        this.safety = safety;
        this.metering = metering;
        this.state = new ServerState();
        this.keys = new ApiKeys(options.apiKeys());
        this.hosts = new HostCheck(options.allowedHosts());
        this.cors = new CorsHeaders(options.corsOrigins());
        this.ownsEngine = ownsEngine;
        this.metrics = new ServerMetrics(() -> {
            Engine e = state.engineOrNull();
            return e == null ? null : e.stats();
        }, options.vllmMetricNames());
        if (metering.ledgerOn()) metrics.counter("cria_usage_rows_lost", "Usage ledger rows (requests) that could not be written: disk failure or a full write queue",
                metering::lostRows);
        this.app = Javalin.create(cfg -> {
            cfg.useVirtualThreads = true;
            cfg.showJavalinBanner = false;
            cfg.startupWatcherEnabled = false;
            // Javalin checks this against Content-Length only; RequestBodyFilter holds it for chunked bodies too.
            cfg.http.maxRequestSize = options.maxBodyBytes();
            cfg.jetty.modifyServletContextHandler(context -> {
                context.addFilter(new FilterHolder(new RequestBodyFilter(options.maxBodyBytes())), "/*",
                        EnumSet.of(DispatcherType.REQUEST));
                context.setErrorHandler(new JsonErrorHandler(cors));
            });
            cfg.jetty.modifyServer(server -> {
                server.setErrorHandler(new JsonErrorHandler(cors));
                // Javalin nests its context in a handler set here; see openExchanges.
                server.setHandler(openExchanges);
            });
            // A body that stalls is noticed by the connection's idle timeout (then RequestBodyFilter answers 408).
            cfg.jetty.modifyHttpConfiguration(http -> {
                http.setIdleTimeout(options.idleTimeout().toMillis());
                // Dispatch on the head, not the first body bytes: a Content-Length over the limit is
                // then refused at once, before the client uploads (and handlers run on virtual threads,
                // so a handler that waits for a body costs no platform thread).
                http.setDelayDispatchUntilContent(false);
            });
            cfg.http.prefer405over404 = true;
            cfg.router.ignoreTrailingSlashes = true;
            cfg.events.handlerAdded(metrics.http()::routeAdded);
            cfg.requestLogger.http((ctx, ms) -> {
                metrics.http().observe(ctx, ms);
                LOG.info("{} {} {} {}ms {}", ctx.method(), ctx.path(), ctx.statusCode(), Math.round(ms), ctx.res().getHeader("x-request-id"));
            });
        });
        routes();
    }

    /** Serves a loaded engine; the caller keeps ownership of it (stop() does not close it). */
    public static CriaServer start(Engine engine, ServerOptions options) {
        return start(engine, options, ContentSafety.off(), Metering.off());
    }

    /** {@link #start(Engine, ServerOptions)} with content filtering; the caller keeps ownership of {@code safety} too. */
    public static CriaServer start(Engine engine, ServerOptions options, ContentSafety safety) {
        return start(engine, options, safety, Metering.off());
    }

    /** Serves a loaded engine with usage metering and per-key limits; the server closes {@code metering} on stop. */
    public static CriaServer start(Engine engine, ServerOptions options, Metering metering) {
        return start(engine, options, ContentSafety.off(), metering);
    }

    /** Serves a loaded engine with content filtering (the caller keeps {@code safety}) and metering (closed on stop). */
    public static CriaServer start(Engine engine, ServerOptions options, ContentSafety safety, Metering metering) {
        CriaServer s = new CriaServer(options, false, safety, metering);
        s.state.ready(engine, s.served(engine));
        s.loaded.countDown();
        s.app.start(options.bindHost(), options.port());
        return s;
    }

    /**
     * Binds at once and loads the model on a background thread: until it is loaded every API
     * request (and {@code /ready}) answers 503; {@code /health} answers 200 (alive, loading). The server owns the engine and closes it on stop.
     */
    public static CriaServer startLoading(Callable<Engine> loader, ServerOptions options) {
        return startLoading(loader, options, ContentSafety.off(), Metering.off());
    }

    /**
     * {@link #startLoading(Callable, ServerOptions)} with content filtering: the loader readies
     * {@code safety} (loads the Guard model) before it returns the engine, and the server closes it on stop.
     */
    public static CriaServer startLoading(Callable<Engine> loader, ServerOptions options, ContentSafety safety) {
        return startLoading(loader, options, safety, Metering.off());
    }

    /** {@link #startLoading(Callable, ServerOptions)} with usage metering and per-key limits (closed on stop). */
    public static CriaServer startLoading(Callable<Engine> loader, ServerOptions options, Metering metering) {
        return startLoading(loader, options, ContentSafety.off(), metering);
    }

    /** {@link #startLoading(Callable, ServerOptions)} with content filtering and metering, both closed on stop. */
    public static CriaServer startLoading(Callable<Engine> loader, ServerOptions options, ContentSafety safety,
                                          Metering metering) {
        CriaServer s = new CriaServer(options, true, safety, metering);
        s.app.start(options.bindHost(), options.port());
        Thread.ofPlatform().name("cria-model-loader").daemon().start(() -> {
            try {
                Engine e = loader.call();
                if (s.stopped.get()) {
                    e.close();
                    return;
                }
                s.state.ready(e, s.served(e));
                LOG.info("model loaded: {}", e.info().name());
            } catch (Throwable t) {
                s.loadFailure = t;
                s.state.failed(t.getMessage() == null ? t.toString() : t.getMessage());
                LOG.error("model failed to load: {}", t.getMessage() == null ? t.toString() : t.getMessage());
            } finally {
                s.loaded.countDown();
            }
        });
        return s;
    }

    private ServedModels served(Engine e) {
        return ServedModels.of(e.info(), options.modelId(), options.aliases(), options.providerModelId(),
                System.currentTimeMillis() / 1000);
    }

    /** Blocks until the model is loaded; rethrows the loader's failure. */
    public void awaitLoaded() throws Exception {
        loaded.await();
        Throwable t = loadFailure;
        if (t instanceof Exception e) throw e;
        if (t instanceof Error e) throw e;
    }

    /** Rethrows the loader's failure if loading has ended in one; returns at once otherwise (loaded or still loading). */
    public void awaitLoadedIfDone() throws Exception {
        if (loaded.getCount() == 0) awaitLoaded();
    }

    public int port() {
        return app.port();
    }

    public String host() {
        return options.bindHost();
    }

    public boolean isReady() {
        return state.isReady();
    }

    /**
     * Graceful stop: readiness turns false at once, new requests are still served for the shutdown
     * delay (while load balancers stop sending), then get 503; in-flight ones may finish within the
     * shutdown timeout, then whatever still generates is cancelled; then the listener closes. Idempotent.
     */
    public void stop() {
        if (!stopped.compareAndSet(false, true)) return;
        state.withdraw();
        // A model still loading has nothing to serve meanwhile: no reason to wait for the balancers.
        if (state.engineOrNull() != null && options.shutdownDelay().isPositive()) {
            LOG.info("shutting down: not ready; serving new requests for {} ms more, then draining", options.shutdownDelay().toMillis());
            sleep(options.shutdownDelay());
        }
        state.startDraining();
        long deadline = System.nanoTime() + options.shutdownTimeout().toNanos();
        awaitIdle(deadline);
        if (state.activeRequests().get() > 0) {
            LOG.warn("shutdown timeout: cancelling {} request(s) still running", state.activeRequests().get());
            state.cancelAll();
            awaitIdle(System.nanoTime() + Duration.ofSeconds(5).toNanos());
        }
        long flushDeadline = System.nanoTime() + FLUSH_ON_STOP.toNanos();
        while (openExchanges.getRequestsActive() > 0 && System.nanoTime() < flushDeadline) sleep(Duration.ofMillis(5));
        app.stop();
        metering.close(); // writes the usage rows still queued
        Engine e = state.engineOrNull();
        if (ownsEngine && e != null) e.close();
        if (ownsEngine) {
            try {
                safety.close();
            } catch (Exception ex) {
                LOG.warn("closing the content filter: {}", ex.toString());
            }
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitIdle(long deadlineNanos) {
        while (state.activeRequests().get() > 0 && System.nanoTime() < deadlineNanos) {
            try {
                TimeUnit.MILLISECONDS.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void routes() {
        app.before(this::beforeEach);
        app.beforeMatched(this::requireJson);
        app.after(ctx -> {
            if (Boolean.TRUE.equals(ctx.attribute(COUNTED))) state.activeRequests().decrementAndGet();
        });
        route(HandlerType.GET, "/health", this::health);
        route(HandlerType.GET, "/ready", this::ready);
        route(HandlerType.GET, "/metrics", this::metrics);
        // The chat page is not API: no CORS preflight, no key, so it is not added to apiPaths.
        WebPage page = new WebPage();
        app.get("/", page::serve);
        app.get(WebPage.ASSETS + "/{file}", page::serve);
        for (ApiStyle style : ApiStyle.values()) {
            String base = style == ApiStyle.OPENAI ? "/v1" : "/v3/openai";
            ChatCompletions chat = new ChatCompletions(state, style, safety);
            Completions completions = new Completions(state, style, safety);
            Models models = new Models(state, style);
            route(HandlerType.POST, base + "/chat/completions", chat::handle);
            route(HandlerType.POST, base + "/completions", completions::handle);
            route(HandlerType.GET, base + "/models", models::list);
            // <id> may contain '/': provider ids look like meta-llama/llama-3.2-3b-instruct.
            route(HandlerType.GET, base + "/models/<id>", models::get);
        }
        Responses responses = new Responses(state, safety);
        route(HandlerType.POST, Responses.PATH, responses::create);
        route(HandlerType.GET, Responses.PATH + "/{id}", responses::get);
        route(HandlerType.GET, Responses.PATH + "/{id}/input_items", responses::inputItems);
        route(HandlerType.DELETE, Responses.PATH + "/{id}", responses::delete);
        Score score = new Score(state, safety);
        route(HandlerType.POST, "/score", score::handle);
        Messages messages = new Messages(state, safety);
        route(HandlerType.POST, Messages.PATH, messages::create);
        route(HandlerType.POST, Messages.PATH + "/count_tokens", messages::countTokens);
        Tokenize tokenize = new Tokenize(state);
        route(HandlerType.POST, "/tokenize", tokenize::tokenize);
        route(HandlerType.POST, "/detokenize", tokenize::detokenize);
        OllamaModels ollamaModels = new OllamaModels(state);
        route(HandlerType.GET, "/api/version", ollamaModels::version);
        route(HandlerType.GET, "/api/tags", ollamaModels::tags);
        route(HandlerType.POST, "/api/show", ollamaModels::show);
        route(HandlerType.GET, "/api/ps", ollamaModels::ps);
        route(HandlerType.POST, "/api/chat", new OllamaChat(state, safety)::handle);
        route(HandlerType.POST, "/api/generate", new OllamaGenerate(state, safety)::handle);
        for (String path : USAGE_PATHS) route(HandlerType.GET, path, this::usage);
        // A preflight is answered on the API's own paths only: a catch-all OPTIONS route would make
        // every unknown path "known" and turn its 404 into a 405 (prefer405over404).
        if (!options.corsOrigins().isEmpty()) apiPaths.forEach(path -> app.options(path, this::preflight));

        app.exception(ApiError.class, (e, ctx) -> writeError(ctx, e));
        app.exception(HttpResponseException.class, (e, ctx) -> writeError(ctx, fromJavalin(e.getStatus(), ctx)));
        app.exception(Exception.class, (e, ctx) -> {
            LOG.error("unexpected error on {} {}", ctx.method(), ctx.path(), e);
            writeError(ctx, ApiError.internal("The server had an error while processing your request."));
        });
        app.error(404, ctx -> {
            if (ctx.attribute(ERROR_WRITTEN) == null) writeError(ctx, fromJavalin(404, ctx));
        });
        app.error(405, ctx -> {
            if (ctx.attribute(ERROR_WRITTEN) == null) writeError(ctx, fromJavalin(405, ctx));
        });
    }

    private void route(HandlerType method, String path, Handler handler) {
        // The request's meter is bound around the handler, where the generation core finds it.
        app.addHttpHandler(method, path, ctx -> {
            RequestMeter meter = ctx.attribute(METER);
            if (meter == null) handler.handle(ctx);
            else ScopedValue.where(RequestMeter.CURRENT, meter).call(() -> {
                handler.handle(ctx);
                return null;
            });
        });
        apiPaths.add(path);
    }

    private void beforeEach(Context ctx) {
        String requestId = ApiStyle.newRequestId();
        ctx.header("x-request-id", requestId);
        cors(ctx);
        // Without keys, anyone who reaches the port is trusted, so a web page must not be able to reach it:
        // a DNS name rebound to 127.0.0.1 arrives with the page's Host, which a loopback-only check refuses.
        if (!keys.enabled() && !hosts.accepts(ctx.header("Host"))) {
            throw ApiError.misdirected("This server answers only to loopback host names without an API key; "
                    + "start it with --allowed-host NAME to serve this name.");
        }
        // /health, /ready and /metrics are open (no key, not counted as in-flight work), as vLLM serves
        // /health and /metrics: a kubelet's probes and a scraper carry no secret. So is the chat page,
        // which holds no data: its script sends the user's key with each API call.
        if (ctx.method() == HandlerType.OPTIONS || OPEN_PATHS.contains(ctx.path()) || WebPage.owns(ctx.path())) return;
        ctx.attribute(COUNTED, true);
        state.activeRequests().incrementAndGet();
        // Keys are compared in constant time and never logged.
        RouteFamily family = family(ctx.path());
        String keyHeader = ctx.header(family.keyHeader());
        String presented = ApiKeys.presented(ctx.header("Authorization"), keyHeader);
        if (USAGE_PATHS.contains(ctx.path())) {
            metering.authorizeUsage(presented, keys.enabled() && keys.accepts(presented));
            return;
        }
        if (keys.enabled() && !keys.accepts(presented)) {
            throw ApiError.unauthorized(ctx.header("Authorization") == null && keyHeader == null
                    ? family.missingKey() : "Incorrect API key provided.");
        }
        // Counts the request against its key's limit (429 when none is left) and sets the x-ratelimit-* headers.
        ctx.attribute(METER, metering.admit(keys.enabled() ? presented : null, ctx::header));
    }

    /** {@code GET /v1/usage}: token usage by bucket, key id and model, from the ledger (admin key only). */
    private void usage(Context ctx) {
        ctx.contentType("application/json");
        ctx.result(ApiJson.bytes(metering.usage(ctx.queryParamMap())));
    }

    /**
     * Every POST endpoint takes JSON, and says so: a body declared as anything else is refused. A
     * cross-site HTML form can send only text/plain, form-urlencoded or multipart without a CORS
     * preflight (Fetch standard, "CORS-safelisted request-header"), so this keeps such a form from
     * driving a keyless server. Parameters ({@code ; charset=utf-8}) are allowed (RFC 9110 §8.3.1).
     */
    private void requireJson(Context ctx) {
        if (ctx.method() != HandlerType.POST) return;
        String type = ctx.header("Content-Type");
        String essence = type == null ? "" : type.split(";", 2)[0].strip();
        if (!essence.equalsIgnoreCase("application/json")) {
            throw ApiError.unsupportedMediaType("The request body must be JSON, sent with Content-Type: application/json"
                    + (type == null ? " (none was given)." : " (got " + type.strip() + ")."));
        }
    }

    /**
     * Liveness: 200 while the process can still serve, loading and shutting down included (a
     * kubelet restarts a container whose liveness probe fails, which would only lose the load or
     * the draining streams); 503 once the model failed to load. The status says which phase.
     */
    private void health(Context ctx) {
        if (!state.isLive()) state.engine(); // throws the 503 that says why the load failed
        String status = state.isLoading() ? "loading" : state.isShuttingDown() ? "draining" : "ok";
        ctx.contentType("application/json");
        ctx.result(ApiJson.bytes(Map.of("status", status)));
    }

    /**
     * Readiness: 200 only while the model is loaded and no shutdown has begun, so load balancers
     * (a Service's endpoints, the inference gateway's pool) send requests only then; 503 with the
     * reason otherwise.
     */
    private void ready(Context ctx) {
        ctx.contentType("application/json");
        if (state.isReady()) {
            ctx.result(ApiJson.bytes(Map.of("status", "ready")));
            return;
        }
        if (state.isShuttingDown()) throw ApiError.unavailable("The server is shutting down.");
        state.engine(); // throws the 503 that says why (loading, failed)
        throw ApiError.unavailable("The server is not ready.");
    }

    /** Engine, HTTP and JVM metrics, as Prometheus text or OpenMetrics by the Accept header; see {@link ServerMetrics}. */
    private void metrics(Context ctx) {
        ServerMetrics.Exposition scrape = metrics.scrape(ctx.header("Accept"));
        ctx.contentType(scrape.contentType());
        ctx.result(scrape.body());
    }

    /** CORS is off unless origins are configured; then allowed origins get the response headers, see {@link CorsHeaders}. */
    private void cors(Context ctx) {
        cors.forOrigin(ctx.header("Origin")).forEach(ctx::header);
    }

    private void preflight(Context ctx) {
        if (ctx.res().getHeader("Access-Control-Allow-Origin") == null) {
            throw ApiError.methodNotAllowed("CORS preflight from an origin that is not allowed.");
        }
        String asked = ctx.header("Access-Control-Request-Headers");
        ctx.header("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS");
        ctx.header("Access-Control-Allow-Headers", asked != null ? asked : "authorization, content-type");
        ctx.header("Access-Control-Max-Age", "600");
        ctx.status(204);
    }

    private ApiError fromJavalin(int status, Context ctx) {
        return switch (status) {
            case 404 -> ApiError.notFound("Invalid URL (" + ctx.method() + " " + ctx.path() + ")");
            case 405 -> ApiError.methodNotAllowed("Method " + ctx.method() + " is not allowed for " + ctx.path() + ".");
            case 413 -> ApiError.payloadTooLarge(options.maxBodyBytes());
            case 400 -> ApiError.badRequest("Bad request.", null);
            default -> new ApiError(status, status >= 500 ? "server_error" : "invalid_request_error",
                    "HTTP " + status + " for " + ctx.method() + " " + ctx.path() + ".", null, null);
        };
    }

    private static RouteFamily family(String path) {
        for (RouteFamily f : FAMILIES) if (f.owns(path)) return f;
        return OPENAI;
    }

    /** Every error the API answers goes out here, in the format of the path's route family. */
    private static void writeError(Context ctx, ApiError e) {
        ctx.attribute(ERROR_WRITTEN, true);
        if (ctx.res().isCommitted()) return; // a stream already started: the handler reported the error in-stream
        ErrorFormat format = family(ctx.path()).errors();
        ctx.status(format.status(e));
        if (e.retryAfterSeconds() != null) ctx.header("retry-after", Integer.toString(e.retryAfterSeconds()));
        ctx.contentType("application/json");
        ctx.result(ApiJson.bytes(format.body(e, ctx.res().getHeader("x-request-id"))));
    }
}
