/**
 * Cria as a library: run Llama 3.2 inside a Java application, no server, no HTTP.
 *
 * <p>{@link dev.cria.api.Cria} is the one entry. Open a model once, share it between threads, close
 * it at the end:
 * <pre>{@code
 * try (Cria cria = Cria.open(Path.of("Llama-3.2-1B-Instruct-Q4_0.gguf"))) {
 *     ChatResult r = cria.chat(List.of(Message.system("Be brief."), Message.user("Why is the sky blue?")));
 *     System.out.println(r.text());
 * }
 * }</pre>
 * Everything here is plain Java: records, enums and sealed interfaces; JSON Schemas and tool
 * parameters are {@code Map}/{@code List} values. The types of the other {@code dev.cria} packages
 * are the engine's internals and may change between versions; this package is the promise.
 */
package dev.cria.api;
