package dev.cria.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * deploy/kubernetes read as Kubernetes would: each YAML document by its apiVersion and kind into
 * the API's typed model (fabric8's for the core, apps, autoscaling and Gateway API groups; records
 * below for the Inference Extension's InferencePool and kustomize's Kustomization), failing on any
 * field the type does not have. Kubernetes drops an unknown field silently (a misspelt
 * {@code readinesProbe} is just no probe), so this is the check a cluster would not make.
 */
final class KubernetesManifests {
    static final Path ROOT = CliTest.DATA.toAbsolutePath().normalize().getParent().resolve("deploy/kubernetes");

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** A document of a manifest file and the typed object it became. */
    record Document(Path file, String kind, Object object) {
    }

    /** inference.networking.k8s.io/v1 InferencePool, the fields of the v1 API (api/v1/inferencepool_types.go). */
    record InferencePool(String apiVersion, String kind, ObjectMeta metadata, InferencePoolSpec spec) {
    }

    record InferencePoolSpec(LabelSelector selector, List<PoolPort> targetPorts, String appProtocol, EndpointPickerRef endpointPickerRef) {
    }

    record PoolPort(int number) {
    }

    record EndpointPickerRef(String group, String kind, String name, PoolPort port, String failureMode) {
    }

    /** The kustomize fields these files use (kustomize.config.k8s.io/v1beta1). */
    record Kustomization(String apiVersion, String kind, List<Map<String, Object>> labels, List<String> resources,
                         List<Map<String, String>> images) {
    }

    /** Every .yaml file under deploy/kubernetes. */
    static List<Path> files() {
        try (Stream<Path> walk = Files.walk(ROOT)) {
            return walk.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Each YAML document of a file as plain maps and lists. */
    static List<Object> yaml(Path file) {
        List<Object> docs = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(file)) {
            for (Object doc : new Yaml().loadAll(r)) if (doc != null) docs.add(doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return docs;
    }

    /** The Kubernetes objects (documents with apiVersion and kind) of every file, typed. */
    static List<Document> documents() {
        List<Document> out = new ArrayList<>();
        for (Path file : files()) {
            for (Object doc : yaml(file)) {
                if (!(doc instanceof Map<?, ?> m) || !m.containsKey("kind")) continue; // Helm values: not an object
                String kind = (String) m.get("kind");
                Object typed = JSON.convertValue(m, typeOf((String) m.get("apiVersion"), kind, file));
                out.add(new Document(file, kind, typed));
            }
        }
        return out;
    }

    private static Class<?> typeOf(String apiVersion, String kind, Path file) {
        return switch (apiVersion + " " + kind) {
            case "apps/v1 Deployment" -> Deployment.class;
            case "v1 Service" -> Service.class;
            case "v1 ConfigMap" -> ConfigMap.class;
            case "v1 Secret" -> Secret.class;
            case "autoscaling/v2 HorizontalPodAutoscaler" -> HorizontalPodAutoscaler.class;
            case "gateway.networking.k8s.io/v1 HTTPRoute" -> HTTPRoute.class;
            case "inference.networking.k8s.io/v1 InferencePool" -> InferencePool.class;
            case "kustomize.config.k8s.io/v1beta1 Kustomization" -> Kustomization.class;
            default -> throw new AssertionError(file + ": no typed model for " + apiVersion + " " + kind + "; add one to check it");
        };
    }

    static <T> List<T> all(Class<T> type) {
        return documents().stream().map(Document::object).filter(type::isInstance).map(type::cast).toList();
    }

    static <T> T one(Class<T> type) {
        List<T> found = all(type);
        if (found.size() != 1) throw new AssertionError("expected one " + type.getSimpleName() + ", found " + found.size());
        return found.getFirst();
    }

    /**
     * Fields the typed model did not know, as "path.field": fabric8's classes keep them in
     * additionalProperties instead of failing, so they are looked for through every getter.
     */
    static List<String> unknownFields(Object object) {
        List<String> out = new ArrayList<>();
        collectUnknown(object, "", out);
        return out;
    }

    private static void collectUnknown(Object o, String path, List<String> out) {
        switch (o) {
            case null -> {
            }
            case Collection<?> c -> {
                int i = 0;
                for (Object e : c) collectUnknown(e, path + "[" + i++ + "]", out);
            }
            case Map<?, ?> m -> m.forEach((k, v) -> collectUnknown(v, path + "." + k, out));
            case Record r -> {
                for (var component : r.getClass().getRecordComponents()) {
                    try {
                        collectUnknown(component.getAccessor().invoke(r), path + "." + component.getName(), out);
                    } catch (ReflectiveOperationException e) {
                        throw new AssertionError(e);
                    }
                }
            }
            default -> {
                if (!o.getClass().getPackageName().startsWith("io.fabric8")) return;
                for (Method getter : o.getClass().getMethods()) {
                    if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                            || !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) continue;
                    Object value;
                    try {
                        value = getter.invoke(o);
                    } catch (ReflectiveOperationException e) {
                        throw new AssertionError(e);
                    }
                    if (getter.getName().equals("getAdditionalProperties")) {
                        if (value instanceof Map<?, ?> extra) extra.keySet().forEach(k -> out.add(path + "." + k));
                    } else {
                        collectUnknown(value, path + "." + decapitalize(getter.getName().substring(3)), out);
                    }
                }
            }
        }
    }

    private static String decapitalize(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }

    private KubernetesManifests() {
    }
}
