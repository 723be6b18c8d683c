package dev.cria.io.hf;

import dev.cria.tensor.GgmlType;
import dev.cria.tensor.TensorData;
import dev.cria.util.FileMapping;
import dev.cria.util.ModelFormatException;
import dev.cria.util.StrictJson;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One {@code .safetensors} file, mapped once with FFM (format: huggingface/safetensors README,
 * "Format"): an 8-byte little-endian header length N, N bytes of JSON
 * {@code {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {str: str}}},
 * then the data section; offsets are relative to the start of the data section.
 *
 * <p>Every entry is checked at open: dtype one of F32 / F16 / BF16, offsets inside the data
 * section, and {@code end - begin == product(shape) * dtype size}.
 */
public final class SafetensorsFile implements AutoCloseable {
    /** safetensors refuses headers above 100 MB (its MAX_HEADER_SIZE); so do we. */
    static final long MAX_HEADER_BYTES = 100_000_000;

    /** One header entry; {@code begin}/{@code end} are byte offsets into the data section. */
    public record Entry(String name, GgmlType type, long[] shape, long begin, long end) {
        /** ggml dims: the shape reversed (HF {@code [out, in]} → {@code ne = [in, out]}); a scalar is {@code [1]}. */
        public long[] ne() {
            if (shape.length == 0) return new long[]{1};
            long[] ne = new long[shape.length];
            for (int i = 0; i < shape.length; i++) ne[i] = shape[shape.length - 1 - i];
            return ne;
        }
    }

    private final Path path;
    private final Arena arena;
    private final MemorySegment data;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path path, Arena arena, MemorySegment data, Map<String, Entry> entries, Map<String, String> metadata) {
        this.path = path;
        this.arena = arena;
        this.data = data;
        this.entries = entries;
        this.metadata = metadata;
    }

    /** Maps and validates the file; every problem is a {@link ModelFormatException} naming the file (and tensor). */
    public static SafetensorsFile open(Path path) {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment seg = FileMapping.map(path, arena);
            String name = String.valueOf(path.getFileName());
            long size = seg.byteSize();
            if (size < 8) throw fail(name, "not a safetensors file (" + size + " bytes, shorter than its 8-byte header length)");
            long n = seg.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
            if (n < 2 || n > MAX_HEADER_BYTES || n > size - 8) {
                throw fail(name, "not a safetensors file (header length " + Long.toUnsignedString(n) + " does not fit in "
                        + size + " bytes)");
            }
            Map<String, Object> header;
            try {
                header = StrictJson.parseObject(seg.asSlice(8, n).toArray(ValueLayout.JAVA_BYTE));
            } catch (IllegalArgumentException e) {
                throw fail(name, "bad header (" + e.getMessage() + ")");
            }
            MemorySegment data = seg.asSlice(8 + n);
            Map<String, Entry> entries = new LinkedHashMap<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            for (var e : header.entrySet()) {
                if (e.getKey().equals("__metadata__")) {
                    if (e.getValue() instanceof Map<?, ?> m) m.forEach((k, v) -> metadata.put(String.valueOf(k), String.valueOf(v)));
                    continue;
                }
                entries.put(e.getKey(), entry(name, e.getKey(), e.getValue(), data.byteSize()));
            }
            return new SafetensorsFile(path, arena, data, entries, metadata);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static Entry entry(String file, String tensor, Object value, long dataSize) {
        if (!(value instanceof Map<?, ?> m)) throw fail(file, "tensor '" + tensor + "' has no {dtype, shape, data_offsets} entry");
        if (!(m.get("dtype") instanceof String dtype)) throw fail(file, "tensor '" + tensor + "' has no dtype");
        GgmlType type = switch (dtype) {
            case "F32" -> GgmlType.F32;
            case "F16" -> GgmlType.F16;
            case "BF16" -> GgmlType.BF16;
            default -> throw fail(file, "tensor '" + tensor + "' has unsupported dtype " + dtype + " (supported: F32, F16, BF16)");
        };
        long[] shape = longs(m.get("shape"), -1);
        long[] offsets = longs(m.get("data_offsets"), 2);
        if (shape == null || shape.length > 4) throw fail(file, "tensor '" + tensor + "' has a bad shape " + m.get("shape") + " (0..4 dims)");
        if (offsets == null) throw fail(file, "tensor '" + tensor + "' has bad data_offsets " + m.get("data_offsets"));
        long begin = offsets[0], end = offsets[1];
        if (begin > end || end > dataSize) {
            throw fail(file, "tensor '" + tensor + "' data_offsets [" + begin + ", " + end + "] lie outside the data section ("
                    + dataSize + " bytes; file truncated?)");
        }
        long bytes = type.blockBytes;
        try {
            for (long d : shape) bytes = Math.multiplyExact(bytes, d);
        } catch (ArithmeticException e) {
            bytes = -1;
        }
        if (bytes != end - begin) {
            throw fail(file, "tensor '" + tensor + "' holds " + (end - begin) + " bytes, but shape " + m.get("shape") + " of "
                    + dtype + " needs " + (bytes < 0 ? "more than 2^63" : bytes));
        }
        return new Entry(tensor, type, shape, begin, end);
    }

    /** A JSON list of non-negative integers (of {@code length}, unless -1), else null. */
    private static long[] longs(Object v, int length) {
        if (!(v instanceof List<?> list) || (length >= 0 && list.size() != length)) return null;
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(list.get(i) instanceof Long l) || l < 0) return null;
            out[i] = l;
        }
        return out;
    }

    private static ModelFormatException fail(String file, String what) {
        return new ModelFormatException(file + ": " + what);
    }

    public Path path() {
        return path;
    }

    /** Tensor names (HF names), in header order. */
    public Set<String> names() {
        return Collections.unmodifiableSet(entries.keySet());
    }

    public boolean has(String name) {
        return entries.containsKey(name);
    }

    /** The header entry, or null. */
    public Entry entry(String name) {
        return entries.get(name);
    }

    /** The {@code __metadata__} strings (e.g. {@code format=pt}). */
    public Map<String, String> metadata() {
        return Collections.unmodifiableMap(metadata);
    }

    /** The tensor under its own name; missing → "missing tensor". */
    public TensorData tensor(String name) {
        return tensor(name, name);
    }

    /** The tensor {@code name} of this file, as {@link TensorData} called {@code asName} (the loader passes the GGUF name). */
    public TensorData tensor(String name, String asName) {
        Entry e = entries.get(name);
        if (e == null) throw fail(String.valueOf(path.getFileName()), "missing tensor '" + name + "'");
        return new TensorData(asName, e.type(), e.ne(), data.asSlice(e.begin(), e.end() - e.begin()));
    }

    /** Unmaps the file; tensors taken from it must not be used afterwards. */
    @Override
    public void close() {
        arena.close();
    }
}
