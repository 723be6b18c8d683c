package dev.cria.util;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Asks Linux to back weight memory with 2 MiB pages ({@code madvise(MADV_HUGEPAGE)}, through FFM).
 *
 * <p>Why: a one-token step streams every weight once. On 4 KiB pages the CPU's hardware prefetcher
 * stops at every page boundary and the TLB misses every 4 KiB; measured here (Sapphire Rapids,
 * kernel 6.18) a Q4_K matvec from DRAM took 8.4-8.5 instead of 9.2-9.5 cycles per 32 weights, and
 * 1B Q4_K_M generation ran about 6 % faster. Distributions default to THP "madvise" mode, where
 * anonymous memory gets huge pages only when asked. A model file read through an ext4 mapping on a
 * recent kernel is already mostly mapped with 2 MiB folios (FilePmdMapped in /proc/self/smaps); the
 * advice completes that. Elsewhere (other systems, THP off) this does nothing.
 */
public final class HugePages {
    /** The x86-64 and arm64 Linux huge page size. */
    public static final long SIZE = 2L << 20;
    // Linux <asm-generic/mman-common.h>; other systems number their advice differently
    private static final int MADV_DONTNEED = 4, MADV_HUGEPAGE = 14;
    private static final MethodHandle MADVISE = madvise();

    private HugePages() {
    }

    /** {@code bytes} of zeroed native memory in {@code arena}, 2 MiB aligned and advised to use huge pages. */
    public static MemorySegment allocate(Arena arena, long bytes) {
        MemorySegment seg = arena.allocate(bytes, SIZE);
        // The arena has already zeroed (so touched) the memory on 4 KiB pages. Its whole pages are
        // handed back (MADV_DONTNEED: private anonymous memory reads as zeros afterwards), so that
        // the next touch faults in 2 MiB pages. Only whole 2 MiB units of the segment: malloc may
        // place other data on the page after its end.
        if (advise(seg) && bytes >= SIZE) madvise(seg.asSlice(0, bytes & -SIZE), MADV_DONTNEED);
        return seg;
    }

    /**
     * Advises huge pages for {@code seg} (its start must be page aligned, as a mapping's or an
     * {@link #allocate} result's is); returns whether the kernel accepted. Never throws: the advice
     * only changes speed.
     */
    public static boolean advise(MemorySegment seg) {
        return madvise(seg, MADV_HUGEPAGE);
    }

    /**
     * Drops the whole 4 KiB pages inside {@code seg} from this process's resident set
     * ({@code madvise(MADV_DONTNEED)}): for a read-only file mapping whose bytes were copied elsewhere
     * (interleaved weights), so they are not resident twice. The pages stay in the page cache and read
     * back from the file if touched again; the partial pages at either end are kept, as other tensors
     * share them. Returns whether the kernel accepted; never throws.
     */
    public static boolean release(MemorySegment seg) {
        long start = (seg.address() + 4095) & -4096L, end = (seg.address() + seg.byteSize()) & -4096L;
        if (end <= start) return false;
        return madvise(seg.asSlice(start - seg.address(), end - start), MADV_DONTNEED);
    }

    private static boolean madvise(MemorySegment seg, int advice) {
        if (MADVISE == null || seg.byteSize() == 0) return false;
        try {
            return (int) MADVISE.invokeExact(seg, seg.byteSize(), advice) == 0;
        } catch (Throwable e) {
            return false;
        }
    }

    private static MethodHandle madvise() {
        if (!System.getProperty("os.name", "").startsWith("Linux")) return null;
        try {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find("madvise")
                    .map(f -> linker.downcallHandle(f, FunctionDescriptor.of(ValueLayout.JAVA_INT,
                            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT)))
                    .orElse(null);
        } catch (RuntimeException e) { // e.g. native access not enabled
            return null;
        }
    }
}
