package dev.cria.spring;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;

/**
 * {@code cria.*} in application.properties: the model and how to run it, as {@code Cria.builder()} takes them.
 *
 * @param model       a .gguf file or a Hugging Face folder; no {@code Cria} bean without it
 * @param threads     compute threads; 0 = all cores
 * @param contextSize tokens of context per conversation; 0 = the model's, at most 8192
 * @param parallel    conversations computed at once; 0 = the engine's default (4)
 */
@ConfigurationProperties("cria")
public record CriaProperties(Path model, int threads, int contextSize, int parallel) {
}
