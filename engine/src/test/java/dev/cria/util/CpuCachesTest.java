package dev.cria.util;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CpuCachesTest {
    @Test
    void sysfsSizesReadInBytes() {
        assertThat(CpuCaches.parseSize("1024K")).isEqualTo(1L << 20);
        assertThat(CpuCaches.parseSize("2M")).isEqualTo(2L << 20);
        assertThat(CpuCaches.parseSize("512")).isEqualTo(512);
    }

    @Test
    void anythingElseIsNoSize() {
        assertThat(CpuCaches.parseSize("")).isEqualTo(-1);
        assertThat(CpuCaches.parseSize("1.5M")).isEqualTo(-1);
        assertThat(CpuCaches.parseSize("K")).isEqualTo(-1);
    }

    @Test
    void theL2IsAtLeast256KiBInWholeKiBOrTheFallback() {
        long l2 = CpuCaches.l2Bytes(-7);

        // every x86-64 and AArch64 core this runs on has one (1.25 MiB on some: not a power of two);
        // where sysfs is absent, the fallback
        assertThat(l2 == -7 || (l2 >= 256 << 10 && l2 % 1024 == 0)).as("%d", l2).isTrue();
    }
}
