package dev.cria.cli;

import dev.cria.cli.KubernetesManifests.InferencePool;
import dev.cria.cli.KubernetesManifests.Kustomization;
import dev.cria.engine.Engine;
import dev.cria.engine.EngineOptions;
import dev.cria.hub.ModelRef;
import dev.cria.loader.ModelLoader;
import dev.cria.server.CriaServer;
import dev.cria.server.ServerOptions;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the files under deploy/kubernetes can prove without a cluster (none is reachable here):
 * they are valid Kubernetes objects, they hold together (names, labels, ports), and they agree
 * with the server they deploy — its real flags, probe paths and metric names, taken from the
 * CLI's own option model and from a running server's {@code /metrics}, not from a copy.
 */
class KubernetesManifestsTest {
    private static CriaServer server;
    private static Engine engine;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void startServer() {
        engine = ModelLoader.openEngine(Path.of(CliTest.TINY), EngineOptions.defaults());
        server = CriaServer.start(engine, ServerOptions.defaults());
    }

    @AfterAll
    static void stopServer() {
        server.stop();
        engine.close();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The metric families a running server exports (its {@code # TYPE} lines), and their samples' names. */
    private static Set<String> exportedMetricNames() throws Exception {
        Set<String> names = new HashSet<>();
        for (String line : get("/metrics").body().split("\n")) {
            if (line.startsWith("# TYPE ")) names.add(line.split(" ")[2]);
            else if (!line.startsWith("#") && !line.isEmpty()) names.add(line.split("[{ ]")[0]);
        }
        return names;
    }

    private static Deployment deployment() {
        return KubernetesManifests.one(Deployment.class);
    }

    private static PodSpec pod() {
        return deployment().getSpec().getTemplate().getSpec();
    }

    private static Container server() {
        return pod().getContainers().stream().filter(c -> c.getName().equals("cria")).findFirst().orElseThrow();
    }

    private static Map<String, String> config() {
        return KubernetesManifests.one(ConfigMap.class).getData();
    }

    /** The container's args with each $(VAR) replaced as the kubelet would, from the ConfigMap the env points at. */
    private static List<String> expandedArgs(Container c) {
        Map<String, String> config = config();
        List<String> out = new ArrayList<>();
        for (String arg : c.getArgs()) {
            Matcher m = Pattern.compile("\\$\\(([A-Z_]+)\\)").matcher(arg);
            out.add(m.replaceAll(r -> Matcher.quoteReplacement(envValue(c, r.group(1), config))));
        }
        return out;
    }

    private static String envValue(Container c, String name, Map<String, String> config) {
        EnvVar v = c.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(c.getName() + ": $(" + name + ") is used in args but not defined in env"));
        if (v.getValue() != null) return v.getValue();
        var ref = v.getValueFrom().getConfigMapKeyRef();
        assertThat(ref).as(name + " comes from the ConfigMap").isNotNull();
        assertThat(config).as("ConfigMap key " + ref.getKey()).containsKey(ref.getKey());
        return config.get(ref.getKey());
    }

    /** {@code cria serve}'s args parsed by picocli into the real ServeCommand: an unknown flag or bad value fails here. */
    private static ServeCommand parsedServe() {
        List<String> args = expandedArgs(server());
        assertThat(args.getFirst()).isEqualTo("serve");
        ServeCommand serve = new ServeCommand();
        serve.environment = Map.of();
        new CommandLine(serve).parseArgs(args.subList(1, args.size()).toArray(String[]::new));
        return serve;
    }

    @Test
    void everyDocumentIsAKubernetesObjectWithNoFieldItsTypeLacks() {
        List<KubernetesManifests.Document> docs = KubernetesManifests.documents();

        assertThat(docs).extracting(KubernetesManifests.Document::kind).contains("Deployment", "Service", "ConfigMap", "Secret",
                "HorizontalPodAutoscaler", "InferencePool", "HTTPRoute", "Kustomization");
        List<String> unknown = new ArrayList<>();
        for (KubernetesManifests.Document d : docs) {
            KubernetesManifests.unknownFields(d.object()).forEach(f -> unknown.add(KubernetesManifests.ROOT.relativize(d.file()) + ": " + d.kind() + f));
        }
        assertThat(unknown).as("fields Kubernetes would drop silently").isEmpty();
    }

    @Test
    void everyKustomizationResourceExists() {
        for (Path file : KubernetesManifests.files()) {
            if (!file.getFileName().toString().equals("kustomization.yaml")) continue;
            Kustomization k = new com.fasterxml.jackson.databind.ObjectMapper()
                    .convertValue(KubernetesManifests.yaml(file).getFirst(), Kustomization.class);
            for (String resource : k.resources()) {
                Path target = file.getParent().resolve(resource).normalize();
                assertThat(Files.isRegularFile(target) || Files.isRegularFile(target.resolve("kustomization.yaml")))
                        .as(file + " lists " + resource).isTrue();
            }
        }
    }

    @Test
    void theServersArgsAreFlagsCriaServeHasWithValuesItAccepts() {
        ServeCommand serve = parsedServe();

        assertThat(serve.engineOptions().parallel()).isEqualTo(Integer.parseInt(config().get("CRIA_PARALLEL")));
        assertThat(serve.host).isEqualTo("0.0.0.0");
        assertThat(serve.port).isEqualTo(8080);
    }

    @Test
    void apiKeysComeFromASecretFileNeverFromArgsOrPlainEnv() {
        Container c = server();
        ServeCommand serve = parsedServe();

        assertThat(serve.apiKeys).as("--api-key would show in ps and kubectl describe").isEmpty();
        assertThat(c.getEnv()).noneMatch(e -> e.getName().equals("CRIA_API_KEY"));
        VolumeMount keys = c.getVolumeMounts().stream()
                .filter(m -> serve.apiKeyFile.startsWith(Path.of(m.getMountPath()))).findFirst().orElseThrow();
        Volume volume = pod().getVolumes().stream().filter(v -> v.getName().equals(keys.getName())).findFirst().orElseThrow();
        assertThat(volume.getSecret().getSecretName()).isEqualTo(KubernetesManifests.one(Secret.class).getMetadata().getName());
        for (Container any : allContainers()) {
            for (EnvVar e : any.getEnv()) {
                if (e.getName().matches(".*(TOKEN|KEY|SECRET|PASSWORD).*")) {
                    assertThat(e.getValueFrom().getSecretKeyRef()).as(any.getName() + " " + e.getName()).isNotNull();
                }
            }
        }
    }

    @Test
    void theExampleSecretShipsNoKey() {
        String keys = KubernetesManifests.one(Secret.class).getStringData().get("api-keys");

        assertThat(keys.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))).isEmpty();
    }

    @Test
    void probesAskTheServersLivenessAndReadinessPathsOnItsPort() throws Exception {
        Container c = server();
        ServeCommand serve = parsedServe();
        Probe live = c.getLivenessProbe();
        Probe ready = c.getReadinessProbe();

        assertThat(live.getHttpGet().getPath()).isEqualTo("/health");
        assertThat(ready.getHttpGet().getPath()).isEqualTo("/ready");
        for (Probe p : List.of(live, ready)) {
            String portName = p.getHttpGet().getPort().getStrVal();
            assertThat(c.getPorts()).anyMatch(port -> port.getName().equals(portName) && port.getContainerPort() == serve.port);
        }
        assertThat(get("/health").statusCode()).isEqualTo(200);
        assertThat(get("/ready").statusCode()).isEqualTo(200);
        assertThat(c.getStartupProbe()).as("/health is 200 while loading: no startup probe needed").isNull();
    }

    @Test
    void theGracePeriodCoversTheShutdownDelayAndTimeout() {
        ServeCommand serve = parsedServe();

        assertThat(serve.shutdownDelaySeconds).as("Kubernetes drops endpoints asynchronously: some delay").isPositive();
        assertThat(pod().getTerminationGracePeriodSeconds())
                .isGreaterThanOrEqualTo((long) serve.shutdownDelaySeconds + serve.shutdownSeconds + 5);
    }

    @Test
    void memoryIsSizedByTheFormulaAndThreadsMatchTheCpuRequest() {
        ServeCommand serve = parsedServe();
        long kv = serve.engine.kvMemory;
        Matcher xmx = Pattern.compile("-Xmx(\\d+[kmgKMG])").matcher(config().get("CRIA_JAVA_OPTS"));
        assertThat(xmx.find()).isTrue();
        long heap = new EngineFlags.ByteSize().convert(xmx.group(1));
        var resources = server().getResources();
        long request = Quantity.getAmountInBytes(resources.getRequests().get("memory")).longValueExact();
        long limit = Quantity.getAmountInBytes(resources.getLimits().get("memory")).longValueExact();

        assertThat(kv).as("an explicit KV size makes the memory predictable").isPositive();
        assertThat(heap).as("-Xmx = 2 x KV + 512 MiB").isGreaterThanOrEqualTo(2 * kv + (512L << 20));
        assertThat(request).as("memory >= heap + 512 MiB outside the heap (+ the model file)").isGreaterThanOrEqualTo(heap + (512L << 20));
        assertThat(limit).isEqualTo(request);
        assertThat(Quantity.getAmountInBytes(resources.getRequests().get("cpu")).intValueExact()).isEqualTo(serve.engine.threads);
        assertThat(resources.getLimits()).as("no CPU limit: throttling stalls every stream").doesNotContainKey("cpu");
    }

    @Test
    void theModelIsPulledIntoTheCacheTheServerReadsOffline() {
        Container pull = pod().getInitContainers().stream().filter(c -> c.getName().equals("pull-model")).findFirst().orElseThrow();
        Container serve = server();
        Map<String, String> config = config();

        List<String> pullArgs = expandedArgs(pull);
        PullCommand pullCommand = new PullCommand();
        new CommandLine(pullCommand).parseArgs(pullArgs.subList(1, pullArgs.size()).toArray(String[]::new));

        assertThat(pullArgs.getFirst()).isEqualTo("pull");
        assertThat(pullCommand.model).isEqualTo(config.get("CRIA_MODEL"));
        assertThat(ModelRef.looksLikeHubModel(config.get("CRIA_MODEL"))).as("a Hub model, so serve reads it from the cache").isTrue();
        assertThat(parsedServe().model.toString()).isEqualTo(config.get("CRIA_MODEL"));
        assertThat(envValue(pull, "HF_HOME", config)).isEqualTo(envValue(serve, "HF_HOME", config));
        assertThat(envValue(serve, "HF_HUB_OFFLINE", config)).isEqualTo("1");
        String cache = envValue(serve, "HF_HOME", config);
        for (Container c : List.of(pull, serve)) {
            assertThat(c.getVolumeMounts()).anyMatch(m -> m.getMountPath().equals(cache) && m.getName().equals("models"));
        }
    }

    @Test
    void theServiceThePoolAndTheRouteFindThePods() {
        Map<String, String> podLabels = deployment().getSpec().getTemplate().getMetadata().getLabels();
        Service service = KubernetesManifests.one(Service.class);
        InferencePool pool = KubernetesManifests.one(InferencePool.class);
        HTTPRoute route = KubernetesManifests.one(HTTPRoute.class);
        ServeCommand serve = parsedServe();

        assertThat(podLabels).containsAllEntriesOf(deployment().getSpec().getSelector().getMatchLabels())
                .containsAllEntriesOf(service.getSpec().getSelector())
                .containsAllEntriesOf(pool.spec().selector().getMatchLabels());
        assertThat(service.getSpec().getPorts().getFirst().getTargetPort().getStrVal()).isEqualTo("http");
        assertThat(pool.spec().targetPorts()).extracting(KubernetesManifests.PoolPort::number).containsExactly(serve.port);
        assertThat(deployment().getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry("prometheus.io/port", Integer.toString(serve.port))
                .containsEntry("prometheus.io/path", "/metrics");
        var backend = route.getSpec().getRules().getFirst().getBackendRefs().getFirst();
        assertThat(backend.getKind()).isEqualTo("InferencePool");
        assertThat(backend.getName()).isEqualTo(pool.metadata().getName());
        assertThat(pool.spec().endpointPickerRef().port().number()).isPositive();
    }

    @Test
    void theHpaScalesTheDeploymentOnAQueueGaugeTheServerExportsThroughTheAdaptersRule() throws Exception {
        HorizontalPodAutoscaler hpa = KubernetesManifests.one(HorizontalPodAutoscaler.class);
        String metric = hpa.getSpec().getMetrics().getFirst().getPods().getMetric().getName();
        Map<?, ?> adapter = (Map<?, ?>) KubernetesManifests.yaml(KubernetesManifests.ROOT.resolve("gateway/prometheus-adapter-values.yaml")).getFirst();
        Map<?, ?> rule = (Map<?, ?>) ((List<?>) ((Map<?, ?>) adapter.get("rules")).get("custom")).getFirst();

        assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(deployment().getMetadata().getName());
        assertThat(exportedMetricNames()).contains(metric);
        assertThat((String) rule.get("seriesQuery")).startsWith(metric + "{");
        assertThat(((Map<?, ?>) rule.get("name")).get("as")).isEqualTo(metric);
    }

    @Test
    void thePickersMetricFlagsNameGaugesTheServerExports() throws Exception {
        Map<?, ?> values = (Map<?, ?>) KubernetesManifests.yaml(KubernetesManifests.ROOT.resolve("gateway/inferencepool-values.yaml")).getFirst();
        Map<?, ?> flags = (Map<?, ?>) ((Map<?, ?>) values.get("inferenceExtension")).get("flags");
        Map<?, ?> selector = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) values.get("inferencePool")).get("modelServers")).get("matchLabels");
        Set<String> exported = exportedMetricNames();

        for (String flag : List.of("total-queued-requests-metric", "total-running-requests-metric", "kv-cache-usage-percentage-metric")) {
            assertThat(exported).as(flag).contains(((String) flags.get(flag)).split("\\{")[0]);
        }
        assertThat(deployment().getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(castStrings(selector));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> castStrings(Map<?, ?> m) {
        return (Map<String, String>) m;
    }

    private static List<Container> allContainers() {
        List<Container> all = new ArrayList<>(pod().getContainers());
        all.addAll(pod().getInitContainers());
        return all;
    }
}
