package dev.cria.io.gguf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Builds GGUF files byte by byte for tests, following the GGUF spec (ggml/docs/gguf.md):
 * magic, version, tensor count, kv count, typed key/values, tensor infos, padding to the
 * alignment, tensor data (each tensor's offset aligned too).
 */
final class GgufTestFiles {
    // gguf_metadata_value_type
    static final int UINT8 = 0, INT8 = 1, UINT16 = 2, INT16 = 3, UINT32 = 4, INT32 = 5, FLOAT32 = 6, BOOL = 7,
            STRING = 8, ARRAY = 9, UINT64 = 10, INT64 = 11, FLOAT64 = 12;

    private GgufTestFiles() {
    }

    static Builder gguf() {
        return new Builder();
    }

    /** Little-endian byte sink. */
    static final class Bytes {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Bytes u8(int v) {
            out.write(v);
            return this;
        }

        Bytes u16(int v) {
            return u8(v).u8(v >>> 8);
        }

        Bytes u32(int v) {
            return u16(v).u16(v >>> 16);
        }

        Bytes u64(long v) {
            return u32((int) v).u32((int) (v >>> 32));
        }

        Bytes f32(float v) {
            return u32(Float.floatToRawIntBits(v));
        }

        Bytes f64(double v) {
            return u64(Double.doubleToRawLongBits(v));
        }

        Bytes str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            out.writeBytes(b);
            return this;
        }

        Bytes raw(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        int size() {
            return out.size();
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }
    }

    private record Tensor(String name, long[] ne, int type, long offset, byte[] data) {
    }

    static final class Builder {
        private int magic = GgufFile.MAGIC;
        private int version = 3;
        private long alignment = GgufFile.DEFAULT_ALIGNMENT;
        private Long tensorCountOverride;
        private Long kvCountOverride;
        private final Bytes kvs = new Bytes();
        private int kvCount;
        private final List<Tensor> tensors = new ArrayList<>();

        Builder magic(int magic) {
            this.magic = magic;
            return this;
        }

        Builder version(int version) {
            this.version = version;
            return this;
        }

        /** Writes a tensor count / kv count other than the real one (to test absurd counts). */
        Builder counts(Long tensorCount, Long kvCount) {
            this.tensorCountOverride = tensorCount;
            this.kvCountOverride = kvCount;
            return this;
        }

        /** A key of any type: {@code value} writes the value's bytes (after the type id). */
        Builder kv(String key, int type, Consumer<Bytes> value) {
            kvs.str(key).u32(type);
            value.accept(kvs);
            kvCount++;
            return this;
        }

        Builder kv(String key, String value) {
            return kv(key, STRING, b -> b.str(value));
        }

        Builder kvU32(String key, int value) {
            return kv(key, UINT32, b -> b.u32(value));
        }

        /** An array of {@code count} elements of {@code elementType}, {@code elements} writes them. */
        Builder array(String key, int elementType, long count, Consumer<Bytes> elements) {
            return kv(key, ARRAY, b -> {
                b.u32(elementType).u64(count);
                elements.accept(b);
            });
        }

        /** Sets {@code general.alignment} (UINT32) and lays the data section out with it. */
        Builder alignment(int alignment) {
            this.alignment = alignment;
            return kvU32("general.alignment", alignment);
        }

        /** A tensor with its data; its offset is the next aligned one. */
        Builder tensor(String name, int ggmlType, long[] ne, byte[] data) {
            long offset = 0;
            if (!tensors.isEmpty()) {
                Tensor last = tensors.getLast();
                offset = align(last.offset + last.data.length);
            }
            tensors.add(new Tensor(name, ne, ggmlType, offset, data));
            return this;
        }

        /** A tensor info with a given offset and no data of its own. */
        Builder tensorInfo(String name, int ggmlType, long[] ne, long offset) {
            tensors.add(new Tensor(name, ne, ggmlType, offset, new byte[0]));
            return this;
        }

        /** An F32 tensor holding {@code values}. */
        Builder f32Tensor(String name, long[] ne, float... values) {
            Bytes b = new Bytes();
            for (float v : values) b.f32(v);
            return tensor(name, 0, ne, b.toByteArray());
        }

        private long align(long n) {
            return (n + alignment - 1) / alignment * alignment;
        }

        byte[] build() {
            Bytes b = new Bytes().u32(magic).u32(version);
            b.u64(tensorCountOverride != null ? tensorCountOverride : tensors.size());
            b.u64(kvCountOverride != null ? kvCountOverride : kvCount);
            b.raw(kvs.toByteArray());
            for (Tensor t : tensors) {
                b.str(t.name).u32(t.ne.length);
                for (long d : t.ne) b.u64(d);
                b.u32(t.type).u64(t.offset);
            }
            long dataStart = align(b.size());
            while (b.size() < dataStart) b.u8(0);
            for (Tensor t : tensors) {
                if (t.data.length == 0) continue;
                while (b.size() < dataStart + t.offset) b.u8(0);
                b.raw(t.data);
            }
            return b.toByteArray();
        }

        Path write(Path file) {
            try {
                return Files.write(file, build());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
