package dev.cria.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cria.util.StrictJson;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One streamed request of a load run, timed as its server-sent events arrive: time to the first
 * text, the gaps between text chunks (inter-token latency, as vLLM's benchmark_serving measures it),
 * and the token counts from the final usage chunk ({@code stream_options.include_usage}).
 */
final class LoadBenchClient {
    /** Reads what a server (maybe not Cria) streams back, under the same limits as Cria's own JSON reading. */
    static final ObjectMapper JSON = JsonMapper.builder(StrictJson.newFactory()).build();

    /** Ordinary English words, each one Llama 3 token with its leading space: N words ≈ N prompt tokens. */
    private static final String[] WORDS = ("the of and to in is was for on that with as by at from his her this which have are had not "
            + "but they one all were there been when who their more would will time can said some about into than other only new "
            + "people first like over after also year could man day two way many may water long little most well work world life "
            + "state back good place city great small name part school country house light point hand food river mountain "
            + "garden market window story music paper game morning evening letter table green blue white black open answer")
            .split(" ");

    /** What the client does with one request (derived from the run's seed and the request's index). */
    record Plan(int index, int promptWords, int maxTokens, int dropAfterChunks, long seed) {
        /** Drops the connection after that many text chunks; -1 = reads to the end. */
        boolean drops() {
            return dropAfterChunks >= 0;
        }
    }

    enum Status { OK, FAILED, DISCONNECTED }

    /**
     * @param gapsNanos time between consecutive text chunks after the first
     * @param firstTextNanos -1 when no text arrived
     */
    record Outcome(Status status, long startNanos, long firstTextNanos, long endNanos, int promptTokens, int outputTokens,
                   long[] gapsNanos, String error) {
    }

    private final HttpClient http;
    private final URI endpoint;
    private final boolean chat;
    private final String model;
    private final String apiKey;

    LoadBenchClient(HttpClient http, String baseUrl, boolean chat, String model, String apiKey) {
        this.http = http;
        this.endpoint = URI.create(baseUrl + (chat ? "/v1/chat/completions" : "/v1/completions"));
        this.chat = chat;
        this.model = model;
        this.apiKey = apiKey;
    }

    /** A prompt of {@code words} random words (distinct per request, so the prefix cache does not flatter the run). */
    static String prompt(int words, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder b = new StringBuilder(words * 7);
        for (int i = 0; i < words; i++) b.append(i == 0 ? "" : " ").append(WORDS[r.nextInt(WORDS.length)]);
        return b.toString();
    }

    String body(Plan p) {
        ObjectNode b = JSON.createObjectNode();
        b.put("model", model);
        if (chat) {
            b.putArray("messages").addObject().put("role", "user").put("content", prompt(p.promptWords(), p.seed()));
        } else {
            b.put("prompt", prompt(p.promptWords(), p.seed()));
        }
        b.put("max_tokens", p.maxTokens());
        // ignore_eos (vLLM's and Cria's extension): every request generates exactly max_tokens, so runs compare.
        b.put("ignore_eos", true);
        b.put("temperature", 0);
        b.put("stream", true);
        b.putObject("stream_options").put("include_usage", true);
        return b.toString();
    }

    Outcome run(Plan p, Duration timeout) {
        long start = System.nanoTime();
        HttpRequest.Builder rb = HttpRequest.newBuilder(endpoint).timeout(timeout)
                .header("Content-Type", "application/json").header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body(p)));
        if (apiKey != null) rb.header("Authorization", "Bearer " + apiKey);
        HttpResponse<InputStream> response;
        try {
            response = http.send(rb.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            return failed(start, "connection: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(start, "interrupted");
        }
        try (InputStream in = response.body()) {
            if (response.statusCode() != 200) {
                String text = new String(in.readNBytes(2000), StandardCharsets.UTF_8);
                return failed(start, "HTTP " + response.statusCode() + ": " + text.replace('\n', ' '));
            }
            return read(p, start, new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
            // Leaving the try closes the stream: for a planned drop that is the disconnect, mid-stream.
        } catch (IOException e) {
            return failed(start, "stream: " + e.getMessage());
        }
    }

    private Outcome read(Plan p, long start, BufferedReader in) throws IOException {
        long first = -1;
        long last = -1;
        long[] gaps = new long[Math.max(16, p.maxTokens())];
        int nGaps = 0;
        int chunks = 0;
        int promptTokens = -1;
        int outputTokens = -1;
        boolean errorEvent = false;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.equals("event: error")) {
                errorEvent = true;
                continue;
            }
            if (!line.startsWith("data: ")) continue;
            String data = line.substring(6);
            if (errorEvent) return failed(start, "error event: " + data);
            if (data.equals("[DONE]")) {
                long end = System.nanoTime();
                int out = outputTokens >= 0 ? outputTokens : chunks;
                return new Outcome(Status.OK, start, first, end, promptTokens, out, Arrays.copyOf(gaps, nGaps), null);
            }
            JsonNode chunk = JSON.readTree(data);
            JsonNode usage = chunk.get("usage");
            if (usage != null && usage.isObject()) {
                promptTokens = usage.path("prompt_tokens").asInt(-1);
                outputTokens = usage.path("completion_tokens").asInt(-1);
            }
            String text = text(chunk);
            if (text == null || text.isEmpty()) continue;
            long now = System.nanoTime();
            if (first < 0) {
                first = now;
            } else {
                if (nGaps == gaps.length) gaps = Arrays.copyOf(gaps, gaps.length * 2);
                gaps[nGaps++] = now - last;
            }
            last = now;
            chunks++;
            if (p.drops() && chunks >= p.dropAfterChunks()) {
                return new Outcome(Status.DISCONNECTED, start, first, now, promptTokens, chunks, Arrays.copyOf(gaps, nGaps), null);
            }
        }
        return failed(start, "the stream ended without [DONE]");
    }

    private String text(JsonNode chunk) {
        JsonNode choices = chunk.get("choices");
        if (choices == null || !choices.isArray() || choices.isEmpty()) return null;
        JsonNode t = chat ? choices.get(0).path("delta").get("content") : choices.get(0).get("text");
        return t == null || !t.isTextual() ? null : t.textValue();
    }

    private static Outcome failed(long start, String error) {
        return new Outcome(Status.FAILED, start, -1, System.nanoTime(), -1, 0, new long[0], error);
    }

    /** The served model id: the first of GET /v1/models. */
    static String firstModel(HttpClient http, String baseUrl, String apiKey) throws IOException, InterruptedException {
        HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(baseUrl + "/v1/models")).timeout(Duration.ofSeconds(30)).GET();
        if (apiKey != null) rb.header("Authorization", "Bearer " + apiKey);
        HttpResponse<String> r = http.send(rb.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IOException("GET " + baseUrl + "/v1/models answered " + r.statusCode());
        JsonNode data = JSON.readTree(r.body()).path("data");
        if (!data.isArray() || data.isEmpty()) throw new IOException("GET " + baseUrl + "/v1/models lists no model");
        return data.get(0).path("id").asText();
    }

    /** Counters from a Cria /metrics scrape (null when the server has none). */
    static Map<String, Double> scrapeMetrics(HttpClient http, String baseUrl, List<String> names) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/metrics")).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) return null;
            Map<String, Double> out = new HashMap<>();
            for (String line : r.body().split("\n")) {
                int sp = line.indexOf(' ');
                if (line.startsWith("#") || sp < 0) continue;
                String name = line.substring(0, sp);
                if (names.contains(name)) out.put(name, Double.parseDouble(line.substring(sp + 1).strip()));
            }
            return out;
        } catch (IOException | NumberFormatException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
