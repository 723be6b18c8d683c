package dev.cria.loader;

import dev.cria.kernels.Kernels;
import dev.cria.model.LayerWeights;
import dev.cria.model.LlamaConfig;
import dev.cria.model.LlamaWeights;
import dev.cria.tensor.TensorData;
import dev.cria.tensor.WeightMatrix;
import dev.cria.util.ModelFormatException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.cria.util.ModelFormatException.quote;

/** Tensors by GGUF name, from a GGUF file or a Hugging Face folder; builds the model's weights from them. */
interface TensorSource {
    String fileName();

    boolean has(String ggufName);

    /** The tensor, or a ModelFormatException naming it. */
    TensorData get(String ggufName);

    /**
     * The Llama weights under their GGUF names ({@code token_embd.weight}, {@code blk.N.attn_q.weight}, ...),
     * each checked against the config's shape. The norm weights and the embedding's (and a separate
     * output's) scales are checked to be finite ({@link FiniteWeights}); the other matrices are not
     * scanned, as that would read the whole file at every load. The check is {@link LoadPhase#CHECKING}.
     */
    default LlamaWeights llamaWeights(LlamaConfig c, LoadProgress progress) {
        int dim = c.embeddingLength();
        WeightMatrix emb = matrix("token_embd.weight", c.vocabSize(), dim);
        List<LayerWeights> layers = new ArrayList<>();
        for (int l = 0; l < c.blockCount(); l++) {
            String p = "blk." + l + ".";
            layers.add(new LayerWeights(
                    vector(p + "attn_norm.weight", dim),
                    matrix(p + "attn_q.weight", c.qDim(), dim),
                    matrix(p + "attn_k.weight", c.kvDim(), dim),
                    matrix(p + "attn_v.weight", c.kvDim(), dim),
                    matrix(p + "attn_output.weight", dim, c.qDim()),
                    vector(p + "ffn_norm.weight", dim),
                    matrix(p + "ffn_gate.weight", c.feedForwardLength(), dim),
                    matrix(p + "ffn_up.weight", c.feedForwardLength(), dim),
                    matrix(p + "ffn_down.weight", dim, c.feedForwardLength())));
        }
        // Tied embeddings (Llama 3.2 1B/3B): no output.weight, the logits use token_embd.
        WeightMatrix out = has("output.weight") ? matrix("output.weight", c.vocabSize(), dim) : emb;
        PhaseReport checking = PhaseReport.start(progress, LoadPhase.CHECKING, emb.data().byteSize() + (out != emb ? out.data().byteSize() : 0));
        FiniteWeights.require(fileName(), emb.name(), emb.type(), emb.data(), checking);
        if (out != emb) FiniteWeights.require(fileName(), out.name(), out.type(), out.data(), checking);
        checking.finish();
        return new LlamaWeights(emb, layers, vector("output_norm.weight", dim), out);
    }

    private WeightMatrix matrix(String name, int rows, int cols) {
        TensorData t = get(name);
        long[] ne = t.ne();
        if (ne.length != 2 || ne[0] != cols || ne[1] != rows) {
            throw new ModelFormatException(fileName() + ": tensor " + quote(name) + " has shape " + Arrays.toString(ne)
                    + ", expected [" + cols + ", " + rows + "]");
        }
        return new WeightMatrix(name, t.type(), rows, cols, t.data());
    }

    /** A small 1-D tensor (norm weights, rope_freqs) decoded to floats; a NaN or infinite value is an error. */
    default float[] vector(String name, int n) {
        TensorData t = get(name);
        if (t.elementCount() != n) {
            throw new ModelFormatException(fileName() + ": tensor " + quote(name) + " has " + t.elementCount() + " values, expected " + n);
        }
        float[] out = new float[n];
        Kernels.forType(t.type()).dequantize(t.data(), 0, out, 0, n);
        for (int i = 0; i < n; i++) {
            if (!Float.isFinite(out[i])) {
                throw new ModelFormatException(fileName() + ": tensor " + quote(name) + " value " + i + " is " + out[i] + " (corrupt weights)");
            }
        }
        return out;
    }
}
