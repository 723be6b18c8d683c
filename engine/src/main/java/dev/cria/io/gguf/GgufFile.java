package dev.cria.io.gguf;

import dev.cria.tensor.GgmlType;
import dev.cria.tensor.TensorData;
import dev.cria.util.FileMapping;
import dev.cria.util.ModelFormatException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import static dev.cria.util.ModelFormatException.quote;

/**
 * A GGUF file (spec: ggml/docs/gguf.md, versions 2 and 3), mapped once with FFM so files far
 * above 2 GiB work and weights are never copied into the heap.
 *
 * <p>Metadata values are kept as: integers of any width → {@link Long} (UINT64 above
 * Long.MAX_VALUE wraps, as no model uses it), FLOAT32/64 → {@link Double}, BOOL → Boolean,
 * STRING → String; arrays → {@code int[]} for 8/16/32-bit integers (UINT8/UINT16 zero-extended,
 * UINT32 keeps its bits: read with {@link Integer#toUnsignedLong}), {@code long[]} for 64-bit,
 * {@code float[]} for FLOAT32, {@code double[]} for FLOAT64, {@code boolean[]}, {@code String[]},
 * and {@code Object[]} of those for nested arrays.
 *
 * <p>Garbage never crashes the reader: every count is checked against the bytes left in the file
 * before anything is allocated, and the metadata and tensor table together may take at most
 * {@link #HEADER_HEAP_BUDGET} bytes of heap, so a corrupt file gives a {@link ModelFormatException},
 * never an {@link OutOfMemoryError}. Every key, tensor name or string a message quotes goes through
 * {@link ModelFormatException#quote} (truncated, control characters escaped).
 */
public final class GgufFile implements AutoCloseable {
    static final int MAGIC = 0x46554747; // "GGUF" little-endian
    static final int DEFAULT_ALIGNMENT = 32;
    /** Heap the parsed header may take (Llama 3's 128k-token vocabulary with 280k merges needs ~40 MiB). */
    static final long HEADER_HEAP_BUDGET = 512L << 20;
    /** ggml.h GGML_MAX_NAME: llama.cpp's gguf reader rejects a tensor name of this many bytes or more. */
    static final int MAX_TENSOR_NAME_BYTES = 64;
    /** Architectures Cria runs. */
    static final String SUPPORTED_ARCHITECTURES = "llama";

    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** One tensor's header entry; {@code ne[0]} is the fastest-varying (row length). */
    public record TensorInfo(String name, GgmlType type, long[] ne, long offset, long byteSize) {
        public long elementCount() {
            long n = 1;
            for (long d : ne) n *= d;
            return n;
        }
    }

    private final Path path;
    private final Arena arena;
    private final MemorySegment file;
    private final int version;
    private final Map<String, Object> metadata;
    private final Map<String, TensorInfo> tensors;
    private final long dataStart;

    private GgufFile(Path path, Arena arena, MemorySegment file, int version, Map<String, Object> metadata,
                     Map<String, TensorInfo> tensors, long dataStart) {
        this.path = path;
        this.arena = arena;
        this.file = file;
        this.version = version;
        this.metadata = metadata;
        this.tensors = tensors;
        this.dataStart = dataStart;
    }

    /** Opens and validates the header; every problem is a {@link ModelFormatException} with one clear line. */
    public static GgufFile open(Path path) {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment seg = FileMapping.map(path, arena);
            GgufFile f = new Reader(path, seg).read(arena);
            return f;
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    public int version() {
        return version;
    }

    public Map<String, Object> metadata() {
        return Collections.unmodifiableMap(metadata);
    }

    public Map<String, TensorInfo> tensors() {
        return Collections.unmodifiableMap(tensors);
    }

    public boolean has(String key) {
        return metadata.containsKey(key);
    }

    public Object get(String key) {
        return metadata.get(key);
    }

    /** A required value; missing → "missing required key". */
    public Object require(String key) {
        Object v = metadata.get(key);
        if (v == null) throw new ModelFormatException(path.getFileName() + ": missing required key " + quote(key));
        return v;
    }

    public long requireLong(String key) {
        Object v = require(key);
        if (v instanceof Long l) return l;
        throw new ModelFormatException(path.getFileName() + ": key " + quote(key) + " is not an integer");
    }

    /** A required integer that fits an {@code int}; otherwise one line naming the file and key. */
    public int requireInt(String key) {
        return toInt(key, requireLong(key));
    }

    /**
     * An integer that fits an {@code int}, or {@code fallback} when the key is absent. Unlike
     * {@link #getLong}, a present key of another type is an error, not the fallback: a corrupt
     * value must not silently become a default.
     */
    public int getInt(String key, int fallback) {
        return has(key) ? requireInt(key) : fallback;
    }

    /** A number (float or integer), or {@code fallback} when absent; a present key of another type is an error. */
    public double getNumber(String key, double fallback) {
        return has(key) ? requireDouble(key) : fallback;
    }

    private int toInt(String key, long v) {
        if (v != (int) v) {
            throw new ModelFormatException(path.getFileName() + ": key " + quote(key) + " is " + v + ", out of range");
        }
        return (int) v;
    }

    public double requireDouble(String key) {
        Object v = require(key);
        if (v instanceof Double d) return d;
        if (v instanceof Long l) return l;
        throw new ModelFormatException(path.getFileName() + ": key " + quote(key) + " is not a number");
    }

    public String requireString(String key) {
        Object v = require(key);
        if (v instanceof String s) return s;
        throw new ModelFormatException(path.getFileName() + ": key " + quote(key) + " is not a string");
    }

    public long getLong(String key, long fallback) {
        return metadata.get(key) instanceof Long l ? l : fallback;
    }

    public double getDouble(String key, double fallback) {
        Object v = metadata.get(key);
        if (v instanceof Double d) return d;
        if (v instanceof Long l) return l;
        return fallback;
    }

    public String getString(String key, String fallback) {
        return metadata.get(key) instanceof String s ? s : fallback;
    }

    public boolean getBool(String key, boolean fallback) {
        return metadata.get(key) instanceof Boolean b ? b : fallback;
    }

    /** The tensor's header entry, or a "missing required tensor" error. */
    public TensorInfo requireTensor(String name) {
        TensorInfo t = tensors.get(name);
        if (t == null) throw new ModelFormatException(path.getFileName() + ": missing required tensor " + quote(name));
        return t;
    }

    /** The tensor's bytes: a slice of the one mapping. */
    public MemorySegment data(TensorInfo t) {
        return file.asSlice(dataStart + t.offset(), t.byteSize());
    }

    /** The named tensor as the loader's common currency (GGUF name, ggml dims, mapped bytes); missing → error. */
    public TensorData tensor(String name) {
        TensorInfo t = requireTensor(name);
        return new TensorData(t.name(), t.type(), t.ne().clone(), data(t));
    }

    /**
     * Checks {@code general.architecture} (GGUF spec: required key) against the architectures the
     * caller can run, and returns it; otherwise fails with e.g.
     * "model.gguf: architecture 'gemma2' is not supported (supported: llama)".
     */
    public String requireArchitecture(String... supported) {
        String arch = requireString("general.architecture");
        for (String s : supported) if (s.equals(arch)) return arch;
        throw new ModelFormatException(path.getFileName() + ": architecture " + quote(arch) + " is not supported (supported: "
                + String.join(", ", supported) + ")");
    }

    /** {@link #requireArchitecture(String...)} with the architectures Cria runs (llama). */
    public String requireArchitecture() {
        return requireArchitecture(SUPPORTED_ARCHITECTURES);
    }

    @Override
    public void close() {
        arena.close();
    }

    /** Parses the header from the mapped bytes, checking every read against the file size. */
    private static final class Reader {
        private final Path path;
        private final MemorySegment seg;
        private final long size;
        private long pos;
        private long heapLeft = HEADER_HEAP_BUDGET;
        /** What is being read, for "truncated header" messages. */
        private String reading = "the counts";

        Reader(Path path, MemorySegment seg) {
            this.path = path;
            this.seg = seg;
            this.size = seg.byteSize();
        }

        GgufFile read(Arena arena) {
            if (size == 0) throw fail("not a GGUF file (empty file)");
            if (size < 4 || seg.get(I32, 0) != MAGIC) throw fail("not a GGUF file (wrong magic)");
            pos = 4;
            int version = u32();
            if (version != 2 && version != 3) {
                String hint = Integer.reverseBytes(version) == 2 || Integer.reverseBytes(version) == 3 ? ", big-endian file" : "";
                throw fail("unsupported GGUF version " + Integer.toUnsignedString(version) + hint + " (supported: 2, 3)");
            }
            long tensorCount = u64();
            long kvCount = u64();
            // Smallest possible entries: a tensor info is 32 bytes (empty name, 1 dim), a key/value 13.
            if (tensorCount < 0 || tensorCount > (size - pos) / 32) {
                throw fail("truncated header (tensor count " + Long.toUnsignedString(tensorCount) + " does not fit in the file)");
            }
            if (kvCount < 0 || kvCount > (size - pos) / 13) {
                throw fail("truncated header (metadata count " + Long.toUnsignedString(kvCount) + " does not fit in the file)");
            }

            Map<String, Object> meta = new LinkedHashMap<>();
            for (long k = 0; k < kvCount; k++) {
                reading = "metadata key " + (k + 1) + " of " + kvCount;
                String key = string(reading);
                reading = "metadata " + quote(key);
                int type = u32();
                charge(64, key);
                if (meta.put(key, value(type, key, 0)) != null) throw fail("duplicate key " + quote(key));
            }

            long alignment = DEFAULT_ALIGNMENT;
            Object a = meta.get("general.alignment");
            if (a != null) {
                if (!(a instanceof Long l) || l <= 0 || l > (1L << 30) || (l & (l - 1)) != 0) {
                    throw fail("general.alignment must be a power of two up to 2^30, got " + (a instanceof String str ? quote(str) : a instanceof Long || a instanceof Double || a instanceof Boolean ? a : "an array"));
                }
                alignment = l;
            }

            Map<String, TensorInfo> infos = new LinkedHashMap<>();
            for (long t = 0; t < tensorCount; t++) {
                TensorInfo info = tensorInfo(alignment);
                if (infos.put(info.name(), info) != null) throw fail("duplicate tensor " + quote(info.name()));
            }
            long dataStart = (pos + alignment - 1) / alignment * alignment;
            for (TensorInfo t : infos.values()) {
                if (t.offset() < 0 || t.byteSize() > size - dataStart || t.offset() > size - dataStart - t.byteSize()) {
                    throw fail("tensor " + quote(t.name()) + " data (offset " + Long.toUnsignedString(t.offset()) + ", " + t.byteSize()
                            + " bytes) lies outside the file (" + size + " bytes; file truncated?)");
                }
            }
            return new GgufFile(path, arena, seg, version, meta, infos, dataStart);
        }

        /** One tensor info: name, n_dims, ne[n_dims], ggml type, offset (GGUF spec "gguf_tensor_info_t"). */
        private TensorInfo tensorInfo(long alignment) {
            reading = "a tensor name";
            need(8);
            long nameBytes = seg.get(I64, pos);
            if (nameBytes < 0 || nameBytes >= MAX_TENSOR_NAME_BYTES) {
                // Checked before reading: a corrupt length must not turn megabytes of the file into a name.
                long shown = Math.min(size - pos - 8, nameBytes < 0 ? MAX_TENSOR_NAME_BYTES : Math.min(nameBytes, MAX_TENSOR_NAME_BYTES));
                byte[] start = new byte[(int) shown];
                MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, pos + 8, start, 0, start.length);
                throw fail("tensor name at byte " + pos + " is " + Long.toUnsignedString(nameBytes) + " bytes long (at most "
                        + (MAX_TENSOR_NAME_BYTES - 1) + ", ggml's GGML_MAX_NAME; corrupt file?), starting "
                        + quote(new String(start, StandardCharsets.UTF_8)));
            }
            String name = string(reading);
            reading = "tensor info " + quote(name);
            charge(160 + 2L * name.length(), name);
            int nDims = u32();
            if (nDims < 1 || nDims > 4) {
                throw fail("tensor " + quote(name) + " has " + Integer.toUnsignedString(nDims) + " dimensions (1..4 allowed)");
            }
            long[] ne = new long[nDims];
            long n = 1;
            for (int d = 0; d < nDims; d++) {
                ne[d] = u64();
                if (ne[d] <= 0) throw fail("tensor " + quote(name) + " has dimension " + Long.toUnsignedString(ne[d]));
                n = multiply(n, ne[d], name);
            }
            int typeId = u32();
            long offset = u64();
            GgmlType type = GgmlType.byId(typeId);
            if (type == null) {
                throw fail("tensor " + quote(name) + " has unsupported type " + typeName(typeId)
                        + " (supported: " + Arrays.toString(GgmlType.values()).replaceAll("[\\[\\],]", "") + ")");
            }
            if (ne[0] % type.blockSize != 0) {
                throw fail("tensor " + quote(name) + " row length " + ne[0] + " is not a multiple of " + type + "'s block size "
                        + type.blockSize);
            }
            long bytes = multiply(n / type.blockSize, type.blockBytes, name);
            if (Long.remainderUnsigned(offset, alignment) != 0) {
                throw fail("tensor " + quote(name) + " offset " + Long.toUnsignedString(offset) + " is not aligned to " + alignment);
            }
            return new TensorInfo(name, type, ne, offset, bytes);
        }

        private long multiply(long a, long b, String tensor) {
            try {
                return Math.multiplyExact(a, b);
            } catch (ArithmeticException e) {
                throw fail("tensor " + quote(tensor) + " is absurdly large (its size overflows 64 bits)");
            }
        }

        /** Accounts for heap the header takes; a corrupt file stops here instead of exhausting memory. */
        private void charge(long bytes, String key) {
            heapLeft -= bytes;
            if (heapLeft < 0) {
                throw fail("header needs more than " + (HEADER_HEAP_BUDGET >> 20) + " MiB of memory (at " + quote(key) + "; corrupt file?)");
            }
        }

        private Object value(int type, String key, int depth) {
            return switch (type) {
                case 0 -> (long) (u8());
                case 1 -> (long) (byte) u8();
                case 2 -> (long) (u16() & 0xFFFF);
                case 3 -> (long) (short) u16();
                case 4 -> Integer.toUnsignedLong(u32());
                case 5 -> (long) u32();
                case 6 -> (double) f32();
                case 7 -> u8() != 0;
                case 8 -> string(reading);
                case 9 -> array(key, depth);
                case 10, 11 -> u64();
                case 12 -> f64();
                default -> throw fail("key " + quote(key) + " has unknown value type " + Integer.toUnsignedString(type));
            };
        }

        /** An array: element type, count, elements (GGUF spec "gguf_metadata_value_t.array"). */
        private Object array(String key, int depth) {
            if (depth > 8) throw fail("key " + quote(key) + " nests arrays too deeply");
            int type = u32();
            long n = u64();
            // Bytes each element takes at least in the file, and on the heap once read.
            int fileBytes = switch (type) {
                case 0, 1, 7 -> 1;
                case 2, 3 -> 2;
                case 4, 5, 6 -> 4;
                case 8, 10, 11, 12 -> 8;
                case 9 -> 12;
                default -> throw fail("array " + quote(key) + " has unknown element type " + Integer.toUnsignedString(type));
            };
            if (n < 0 || n > (size - pos) / fileBytes) {
                throw fail("truncated header (array " + quote(key) + " of " + Long.toUnsignedString(n) + " values does not fit in the file)");
            }
            charge(16 + n * (type == 7 ? 1 : type == 8 || type == 9 || type >= 10 ? 8 : 4), key);
            int len = (int) n;
            switch (type) {
                case 0, 1, 2, 3, 4, 5 -> {
                    int[] out = new int[len];
                    for (int j = 0; j < len; j++) out[j] = ((Long) value(type, key, depth)).intValue();
                    return out;
                }
                case 10, 11 -> {
                    long[] out = new long[len];
                    for (int j = 0; j < len; j++) out[j] = u64();
                    return out;
                }
                case 6 -> {
                    float[] out = new float[len];
                    for (int j = 0; j < len; j++) out[j] = f32();
                    return out;
                }
                case 12 -> {
                    double[] out = new double[len];
                    for (int j = 0; j < len; j++) out[j] = f64();
                    return out;
                }
                case 7 -> {
                    boolean[] out = new boolean[len];
                    for (int j = 0; j < len; j++) out[j] = u8() != 0;
                    return out;
                }
                case 8 -> {
                    String[] out = new String[len];
                    for (int j = 0; j < len; j++) out[j] = string(reading);
                    return out;
                }
                default -> {
                    Object[] out = new Object[len];
                    for (int j = 0; j < len; j++) out[j] = array(key, depth + 1);
                    return out;
                }
            }
        }

        /** A length-prefixed UTF-8 string; {@code what} names it in errors. */
        private String string(String what) {
            long n = u64();
            if (n < 0 || n > size - pos) {
                throw fail("truncated header (reading " + what + ": string of " + Long.toUnsignedString(n) + " bytes at byte " + (pos - 8)
                        + " runs past the end of the file, " + size + " bytes)");
            }
            if (n == 0) return "";
            charge(48 + 3 * n, what);
            byte[] b = new byte[(int) n];
            MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, pos, b, 0, (int) n);
            pos += n;
            return new String(b, StandardCharsets.UTF_8);
        }

        private void need(long n) {
            if (n > size - pos) throw fail("truncated header (reading " + reading + " at byte " + pos + " of " + size + ")");
        }

        private int u8() {
            need(1);
            return seg.get(ValueLayout.JAVA_BYTE, pos++) & 0xFF;
        }

        private short u16() {
            need(2);
            short v = seg.get(I16, pos);
            pos += 2;
            return v;
        }

        private int u32() {
            need(4);
            int v = seg.get(I32, pos);
            pos += 4;
            return v;
        }

        private long u64() {
            need(8);
            long v = seg.get(I64, pos);
            pos += 8;
            return v;
        }

        private float f32() {
            need(4);
            float v = seg.get(F32, pos);
            pos += 4;
            return v;
        }

        private double f64() {
            need(8);
            double v = seg.get(F64, pos);
            pos += 8;
            return v;
        }

        private ModelFormatException fail(String what) {
            return new ModelFormatException(path.getFileName() + ": " + what);
        }

        private static String typeName(int id) {
            return switch (id) {
                case 16 -> "IQ2_XXS";
                case 17 -> "IQ2_XS";
                case 18 -> "IQ3_XXS";
                case 19 -> "IQ1_S";
                case 20 -> "IQ4_NL";
                case 21 -> "IQ3_S";
                case 22 -> "IQ2_S";
                case 23 -> "IQ4_XS";
                case 24 -> "I8";
                case 25 -> "I16";
                case 26 -> "I32";
                case 27 -> "I64";
                case 28 -> "F64";
                case 29 -> "IQ1_M";
                case 15 -> "Q8_K";
                case 4, 5 -> "Q4_2/Q4_3 (removed)";
                default -> "id " + Integer.toUnsignedString(id);
            };
        }
    }
}
