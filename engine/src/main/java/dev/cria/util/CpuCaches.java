package dev.cria.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The size of a core's L2 cache, as Linux describes it in sysfs
 * ({@code /sys/devices/system/cpu/cpu0/cache/index*}: {@code level}, {@code type}, {@code size} such
 * as {@code 1024K}). Working sets sized to the cache they must stay in follow it (1 MiB on Zen 4, 2 MiB
 * on Sapphire Rapids) instead of one machine's figure.
 */
public final class CpuCaches {
    private static final Path CACHES = Path.of("/sys/devices/system/cpu/cpu0/cache");

    private CpuCaches() {
    }

    /** The L2 (data or unified) of cpu0 in bytes, or {@code fallback} where sysfs does not say. */
    public static long l2Bytes(long fallback) {
        for (int i = 0; i < 8; i++) {
            Path index = CACHES.resolve("index" + i);
            try {
                if (!Files.isDirectory(index)) break;
                if (!read(index, "level").equals("2") || read(index, "type").equals("Instruction")) continue;
                long size = parseSize(read(index, "size"));
                return size > 0 ? size : fallback;
            } catch (IOException | RuntimeException e) {
                return fallback;
            }
        }
        return fallback;
    }

    /** sysfs's cache size ({@code 1024K}, {@code 2M}, {@code 512}) in bytes; -1 if it is none of those. */
    static long parseSize(String s) {
        if (!s.matches("[0-9]{1,9}[KMG]?")) return -1;
        char unit = s.charAt(s.length() - 1);
        long shift = switch (unit) {
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            default -> 0;
        };
        return Long.parseLong(shift == 0 ? s : s.substring(0, s.length() - 1)) << shift;
    }

    private static String read(Path index, String name) throws IOException {
        return Files.readString(index.resolve(name)).strip();
    }
}
