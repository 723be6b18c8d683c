package dev.cria.io.hf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** Writes .safetensors files and HF folders for tests (format: huggingface/safetensors README). */
final class SafetensorsTestFiles {
    private SafetensorsTestFiles() {
    }

    /** One tensor to write: safetensors dtype name, shape, raw little-endian bytes. */
    record Tensor(String name, String dtype, long[] shape, byte[] data) {
        static Tensor f32(String name, long[] shape, float... values) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : values) b.putFloat(v);
            return new Tensor(name, "F32", shape, b.array());
        }
    }

    /** Writes tensors back to back, with the header JSON built from them. */
    static Path write(Path file, List<Tensor> tensors) {
        StringBuilder header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (Tensor t : tensors) {
            String shape = Arrays.stream(t.shape).mapToObj(Long::toString).collect(Collectors.joining(",", "[", "]"));
            header.append(",\"").append(t.name).append("\":{\"dtype\":\"").append(t.dtype).append("\",\"shape\":").append(shape)
                    .append(",\"data_offsets\":[").append(data.size()).append(',').append(data.size() + t.data.length).append("]}");
            data.writeBytes(t.data);
        }
        return writeRaw(file, header.append('}').toString(), data.toByteArray());
    }

    /** Writes a header (padded with spaces to a multiple of 8, as the safetensors writer does) and a data section. */
    static Path writeRaw(Path file, String headerJson, byte[] data) {
        byte[] h = headerJson.getBytes(StandardCharsets.UTF_8);
        int padded = (h.length + 7) / 8 * 8;
        ByteBuffer b = ByteBuffer.allocate(8 + padded + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(padded).put(h);
        for (int i = h.length; i < padded; i++) b.put((byte) ' ');
        b.put(data);
        try {
            return Files.write(file, b.array());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A minimal Llama config.json; {@code extra} is spliced in (e.g. ", \"tie_word_embeddings\": false"). */
    static String config(String architecture, String modelType, String extra) {
        return """
                {"architectures": ["%s"], "model_type": "%s", "hidden_size": 8, "intermediate_size": 16,
                 "num_hidden_layers": 1, "num_attention_heads": 2, "num_key_value_heads": 1, "vocab_size": 4,
                 "rms_norm_eps": 1e-05, "bos_token_id": 1, "eos_token_id": 2%s}
                """.formatted(architecture, modelType, extra);
    }

    static Path writeString(Path file, String text) {
        try {
            return Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
