package dev.cria.io.gguf;

import dev.cria.tensor.GgmlType;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes GGUF v3 files (ggml/docs/gguf.md): typed metadata, tensor infos, alignment padding, then
 * the tensors' bytes streamed from memory segments. Used to make real-shape test files for load
 * measurements; values take the types {@link GgufFile} reads back (Long → UINT32 when it fits, else
 * INT64; Double → FLOAT32; int[] → INT32 array; float[] → FLOAT32 array; String[]; Boolean).
 */
public final class GgufWriter {
    private static final int ALIGNMENT = 32;

    private record Tensor(String name, GgmlType type, long[] ne, MemorySegment data) {
    }

    private final Map<String, Object> metadata = new LinkedHashMap<>();
    private final List<Tensor> tensors = new ArrayList<>();

    public GgufWriter put(String key, Object value) {
        metadata.put(key, value);
        return this;
    }

    /** Adds a tensor; {@code ne[0]} is the row length, {@code data} its bytes in {@code type}'s layout. */
    public GgufWriter tensor(String name, GgmlType type, long[] ne, MemorySegment data) {
        long n = 1;
        for (long d : ne) n *= d;
        if (data.byteSize() != type.bytesFor(n)) throw new IllegalArgumentException(name + ": data size does not match its shape");
        tensors.add(new Tensor(name, type, ne.clone(), data));
        return this;
    }

    public void write(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            Header h = new Header();
            h.u32(GgufFile.MAGIC).u32(3).u64(tensors.size()).u64(metadata.size());
            for (Map.Entry<String, Object> e : metadata.entrySet()) {
                h.string(e.getKey());
                h.value(e.getKey(), e.getValue());
            }
            long offset = 0;
            for (Tensor t : tensors) {
                h.string(t.name()).u32(t.ne().length);
                for (long d : t.ne()) h.u64(d);
                h.u32(t.type().id).u64(offset);
                offset = align(offset + t.data().byteSize());
            }
            long headerEnd = h.size();
            h.zeros((int) (align(headerEnd) - headerEnd));
            ch.write(h.buffer());
            for (Tensor t : tensors) {
                ch.write(t.data().asByteBuffer());
                long pad = align(t.data().byteSize()) - t.data().byteSize();
                if (pad > 0) ch.write(ByteBuffer.allocate((int) pad));
            }
        }
    }

    private static long align(long n) {
        return (n + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    /** The header, built in a growing little-endian buffer. */
    private static final class Header {
        private ByteBuffer b = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);

        private void room(int n) {
            if (b.remaining() < n) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(b.capacity() * 2, b.position() + n)).order(ByteOrder.LITTLE_ENDIAN);
                b.flip();
                bigger.put(b);
                b = bigger;
            }
        }

        Header u32(int v) {
            room(4);
            b.putInt(v);
            return this;
        }

        Header u64(long v) {
            room(8);
            b.putLong(v);
            return this;
        }

        Header string(String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            u64(bytes.length);
            room(bytes.length);
            b.put(bytes);
            return this;
        }

        void zeros(int n) {
            room(n);
            b.put(new byte[n]);
        }

        void value(String key, Object v) {
            switch (v) {
                case String s -> u32(8).string(s);
                case Boolean x -> {
                    u32(7);
                    room(1);
                    b.put((byte) (x ? 1 : 0));
                }
                case Long l when l >= 0 && l <= 0xFFFF_FFFFL -> u32(4).u32((int) (long) l);
                case Long l -> u32(11).u64(l);
                case Integer i -> u32(5).u32(i);
                case Double d -> {
                    u32(6);
                    room(4);
                    b.putFloat((float) (double) d);
                }
                case String[] a -> {
                    u32(9).u32(8).u64(a.length);
                    for (String s : a) string(s);
                }
                case int[] a -> {
                    u32(9).u32(5).u64(a.length);
                    room(4 * a.length);
                    for (int x : a) b.putInt(x);
                }
                case float[] a -> {
                    u32(9).u32(6).u64(a.length);
                    room(4 * a.length);
                    for (float x : a) b.putFloat(x);
                }
                default -> throw new IllegalArgumentException("GGUF writer: key '" + key + "' has unsupported value type " + v.getClass().getSimpleName());
            }
        }

        long size() {
            return b.position();
        }

        ByteBuffer buffer() {
            b.flip();
            return b;
        }
    }
}
