package dev.cria.engine;

/**
 * What a loaded model is, for the API: {@code name} is general.name (or the file/folder name),
 * {@code contextLength} the context Cria serves (--ctx-size, at most the model's), and
 * {@code trainedContextLength} the model's own.
 */
public record ModelInfo(String name, String path, String architecture, int contextLength,
                        int trainedContextLength, int vocabSize, long parameterCount, String weightType) {
}
