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

    /** Maps {@code path} into {@code arena}; a missing or unreadable file is a one-line {@link ModelFormatException}. */
    public static MemorySegment map(Path path, Arena arena) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            HugePages.advise(seg);
            return seg;
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(path + ": no such file");
        } catch (IOException e) {
            throw new ModelFormatException(path + ": cannot read: " + e.getMessage());
        }
    }
}
