package dev.cria.io.gguf;

import dev.cria.tensor.GgmlType;
import dev.cria.util.ModelFormatException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A GGUF file (spec: ggml/docs/gguf.md, versions 2 and 3), mapped once with FFM so files far
 * above 2 GiB work and weights are never copied into the heap.
 *
 * <p>Metadata values are kept as: integers of any width → {@link Long} (UINT64 above
 * Long.MAX_VALUE wraps, as no model uses it), FLOAT32/64 → {@link Double}, BOOL → Boolean,
 * STRING → String; arrays → {@code int[]} for 8/16/32-bit integers, {@code long[]} for 64-bit,
 * {@code float[]} for FLOAT32, {@code double[]} for FLOAT64, {@code boolean[]}, {@code String[]},
 * and {@code Object[]} of those for nested arrays.
 */
public final class GgufFile implements AutoCloseable {
    static final int MAGIC = 0x46554747; // "GGUF" little-endian
    static final int DEFAULT_ALIGNMENT = 32;

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
            MemorySegment seg;
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            } catch (NoSuchFileException e) {
                throw new ModelFormatException(path + ": no such file");
            } catch (IOException e) {
                throw new ModelFormatException(path + ": cannot read: " + e.getMessage());
            }
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
        if (v == null) throw new ModelFormatException(path.getFileName() + ": missing required key '" + key + "'");
        return v;
    }

    public long requireLong(String key) {
        Object v = require(key);
        if (v instanceof Long l) return l;
        throw new ModelFormatException(path.getFileName() + ": key '" + key + "' is not an integer");
    }

    public double requireDouble(String key) {
        Object v = require(key);
        if (v instanceof Double d) return d;
        if (v instanceof Long l) return l;
        throw new ModelFormatException(path.getFileName() + ": key '" + key + "' is not a number");
    }

    public String requireString(String key) {
        Object v = require(key);
        if (v instanceof String s) return s;
        throw new ModelFormatException(path.getFileName() + ": key '" + key + "' is not a string");
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
        if (t == null) throw new ModelFormatException(path.getFileName() + ": missing required tensor '" + name + "'");
        return t;
    }

    /** The tensor's bytes: a slice of the one mapping. */
    public MemorySegment data(TensorInfo t) {
        return file.asSlice(dataStart + t.offset(), t.byteSize());
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

        Reader(Path path, MemorySegment seg) {
            this.path = path;
            this.seg = seg;
            this.size = seg.byteSize();
        }

        GgufFile read(Arena arena) {
            if (size < 4 || seg.get(I32, 0) != MAGIC) {
                throw fail("not a GGUF file (wrong magic)");
            }
            pos = 4;
            int version = u32();
            if (version != 2 && version != 3) {
                throw fail("unsupported GGUF version " + Integer.toUnsignedString(version) + " (supported: 2, 3)");
            }
            long tensorCount = u64();
            long kvCount = u64();
            if (tensorCount < 0 || tensorCount > size / 24) throw fail("truncated header (tensor count " + tensorCount + ")");
            if (kvCount < 0 || kvCount > size / 13) throw fail("truncated header (metadata count " + kvCount + ")");

            Map<String, Object> meta = new LinkedHashMap<>();
            for (long k = 0; k < kvCount; k++) {
                String key = string();
                int type = u32();
                meta.put(key, value(type, key, 0));
            }

            long alignment = DEFAULT_ALIGNMENT;
            Object a = meta.get("general.alignment");
            if (a != null) {
                if (!(a instanceof Long l) || l <= 0 || (l & (l - 1)) != 0) {
                    throw fail("general.alignment must be a positive power of two, got " + a);
                }
                alignment = l;
            }

            Map<String, TensorInfo> infos = new LinkedHashMap<>();
            for (long t = 0; t < tensorCount; t++) {
                String name = string();
                int nDims = u32();
                if (nDims < 1 || nDims > 4) throw fail("tensor '" + name + "' has " + nDims + " dimensions (1..4 allowed)");
                long[] ne = new long[nDims];
                for (int d = 0; d < nDims; d++) {
                    ne[d] = u64();
                    if (ne[d] <= 0) throw fail("tensor '" + name + "' has dimension " + Long.toUnsignedString(ne[d]));
                }
                int typeId = u32();
                long offset = u64();
                GgmlType type = GgmlType.byId(typeId);
                if (type == null) {
                    throw fail("tensor '" + name + "' has unsupported type " + typeName(typeId)
                            + " (supported: F32 F16 BF16 Q8_0 Q4_0 Q4_1 Q5_0 Q5_1 Q2_K Q3_K Q4_K Q5_K Q6_K)");
                }
                long n = 1;
                for (long d : ne) n = Math.multiplyExact(n, d);
                if (ne[0] % type.blockSize != 0) {
                    throw fail("tensor '" + name + "' row length " + ne[0] + " is not a multiple of " + type + "'s block size");
                }
                if (offset % alignment != 0) throw fail("tensor '" + name + "' offset " + offset + " is not aligned to " + alignment);
                if (infos.put(name, new TensorInfo(name, type, ne, offset, type.bytesFor(n))) != null) {
                    throw fail("duplicate tensor '" + name + "'");
                }
            }
            long dataStart = (pos + alignment - 1) / alignment * alignment;
            for (TensorInfo t : infos.values()) {
                if (t.offset() < 0 || dataStart + t.offset() + t.byteSize() > size || dataStart + t.offset() + t.byteSize() < 0) {
                    throw fail("tensor '" + t.name() + "' data (offset " + t.offset() + ", " + t.byteSize()
                            + " bytes) lies outside the file (" + size + " bytes; file truncated?)");
                }
            }
            int version2 = version;
            return new GgufFile(path, arena, seg, version2, meta, infos, dataStart);
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
                case 8 -> string();
                case 9 -> array(key, depth);
                case 10, 11 -> u64();
                case 12 -> f64();
                default -> throw fail("key '" + key + "' has unknown value type " + Integer.toUnsignedString(type));
            };
        }

        private Object array(String key, int depth) {
            if (depth > 8) throw fail("key '" + key + "' nests arrays too deeply");
            int type = u32();
            long n = u64();
            if (n < 0 || n > size - pos) throw fail("truncated header (array '" + key + "' of " + Long.toUnsignedString(n) + " values)");
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
                    for (int j = 0; j < len; j++) out[j] = string();
                    return out;
                }
                case 9 -> {
                    Object[] out = new Object[len];
                    for (int j = 0; j < len; j++) out[j] = array(key, depth + 1);
                    return out;
                }
                default -> throw fail("array '" + key + "' has unknown element type " + Integer.toUnsignedString(type));
            }
        }

        private String string() {
            long n = u64();
            need(n);
            byte[] b = new byte[(int) n];
            MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, pos, b, 0, (int) n);
            pos += n;
            return new String(b, StandardCharsets.UTF_8);
        }

        private void need(long n) {
            if (n < 0 || n > size - pos) throw fail("truncated header (at byte " + pos + " of " + size + ")");
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
