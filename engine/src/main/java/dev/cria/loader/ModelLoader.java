package dev.cria.loader;

import dev.cria.engine.Engine;
import dev.cria.engine.EngineOptions;

import java.nio.file.Path;

/** File or folder → a running engine: the one place that knows both the file formats and the model. */
public final class ModelLoader {
    private ModelLoader() {
    }

    public static Engine openEngine(Path model, EngineOptions options) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
