package dev.cria.loader;

import dev.cria.util.StrictJson;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Reads the golden logits files (testdata/golden/README.md §3 and §7). */
final class Golden {
    static final Path DATA = Path.of(System.getProperty("cria.testdata", "testdata"));

    /** One prompt's reference: ids, last-position top-40, per-position [argmax, margin], greedy steps. */
    record Case(String prompt, int[] ids, int[][] topIds, double[] topLogits, int[] argmax, double[] margin,
                int[] greedy, double[] greedyMargin, double maxAbsLogit) {
    }

    private Golden() {
    }

    static Path model(String relative) {
        return DATA.resolve("models").resolve(relative);
    }

    @SuppressWarnings("unchecked")
    static List<Case> cases(String goldenRelative) {
        Map<String, Object> root;
        try {
            root = StrictJson.parseObject(Files.readString(DATA.resolve("golden").resolve(goldenRelative)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Object> results = (Map<String, Object>) root.get("results");
        return results.entrySet().stream().map(e -> {
            Map<String, Object> r = (Map<String, Object>) e.getValue();
            Map<String, Object> ref = (Map<String, Object>) r.get("reference");
            List<Object> top = (List<Object>) ref.get("top");
            int[][] topIds = new int[1][top.size()];
            double[] topLogits = new double[top.size()];
            for (int i = 0; i < top.size(); i++) {
                List<Object> t = (List<Object>) top.get(i);
                topIds[0][i] = ((Number) t.get(0)).intValue();
                topLogits[i] = ((Number) t.get(1)).doubleValue();
            }
            List<Object> pos = (List<Object>) ref.get("positions");
            int[] argmax = new int[pos.size()];
            double[] margin = new double[pos.size()];
            for (int i = 0; i < pos.size(); i++) {
                List<Object> p = (List<Object>) pos.get(i);
                argmax[i] = ((Number) p.get(0)).intValue();
                margin[i] = ((Number) p.get(1)).doubleValue();
            }
            List<Object> greedy = (List<Object>) ref.get("greedy");
            int[] gIds = new int[greedy.size()];
            double[] gMargin = new double[greedy.size()];
            for (int i = 0; i < greedy.size(); i++) {
                Map<String, Object> g = (Map<String, Object>) greedy.get(i);
                gIds[i] = ((Number) g.get("id")).intValue();
                gMargin[i] = ((Number) g.get("margin")).doubleValue();
            }
            Map<String, Object> stats = (Map<String, Object>) ref.get("stats");
            double maxAbs = Math.max(Math.abs(((Number) stats.get("max")).doubleValue()), Math.abs(((Number) stats.get("min")).doubleValue()));
            return new Case(e.getKey(), ints((List<Object>) r.get("ids")), topIds, topLogits, argmax, margin, gIds, gMargin, maxAbs);
        }).toList();
    }

    static int[] ints(List<Object> a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = ((Number) a.get(i)).intValue();
        return out;
    }
}
