package dev.cria.util;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One read-only FFM mapping of a whole file (works far above 2 GiB; the bytes never enter the heap),
 * advised to use huge pages ({@link HugePages}).
 */
public final class FileMapping {
    private FileMapping() {
    }

    /**
     * The same bytes as a plain native segment (read-only, same arena): the JDK's mapped segments are
     * another class than the native segments the kernels use for scratch (tiles), and a kernel fed
     * both saw two receiver classes at every memory access it inlines. C2 then compiled the batched
     * matmul's FMA passes (which read only scratch) slower: pp512 of a 1B Q4_0 model from a GGUF
     * file ran at 47.7-49.1 tokens/s, and at 69.7-71.0 through this view (the speed of the same
     * weights made in native memory). {@code reinterpret} is a restricted method, like the
     * {@link HugePages} downcall: {@code bin/cria} enables native access.
     */
    private static MemorySegment nativeView(MemorySegment mapped, Arena arena) {
        return MemorySegment.ofAddress(mapped.address()).reinterpret(mapped.byteSize(), arena, null).asReadOnly();
    }

    /** Maps {@code path} into {@code arena}; a missing or unreadable file is a one-line {@link ModelFormatException}. */
    public static MemorySegment map(Path path, Arena arena) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            HugePages.advise(mapped);
            return nativeView(mapped, arena);
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(path + ": no such file");
        } catch (IOException e) {
            throw new ModelFormatException(path + ": cannot read: " + e.getMessage());
        }
    }
}
