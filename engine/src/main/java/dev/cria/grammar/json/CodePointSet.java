package dev.cria.grammar.json;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** An immutable set of Unicode code points as sorted, disjoint, non-adjacent inclusive ranges. */
final class CodePointSet {
    static final int MAX = 0x10FFFF;
    static final CodePointSet EMPTY = new CodePointSet(new int[0]);
    static final CodePointSet ALL = range(0, MAX);

    private final int[] ranges; // lo0, hi0, lo1, hi1, ...

    private CodePointSet(int[] ranges) {
        this.ranges = ranges;
    }

    static CodePointSet of(int c) {
        return range(c, c);
    }

    static CodePointSet range(int lo, int hi) {
        return new CodePointSet(new int[]{lo, hi});
    }

    /** From ranges in any order, overlapping or not. */
    static CodePointSet ofRanges(int... pairs) {
        List<int[]> list = new ArrayList<>();
        for (int i = 0; i < pairs.length; i += 2) list.add(new int[]{pairs[i], pairs[i + 1]});
        list.sort((a, b) -> Integer.compare(a[0], b[0]));
        List<Integer> out = new ArrayList<>();
        for (int[] r : list) {
            int n = out.size();
            if (n > 0 && r[0] <= out.get(n - 1) + 1) out.set(n - 1, Math.max(out.get(n - 1), r[1]));
            else {
                out.add(r[0]);
                out.add(r[1]);
            }
        }
        return new CodePointSet(out.stream().mapToInt(Integer::intValue).toArray());
    }

    CodePointSet union(CodePointSet other) {
        int[] both = Arrays.copyOf(ranges, ranges.length + other.ranges.length);
        System.arraycopy(other.ranges, 0, both, ranges.length, other.ranges.length);
        return ofRanges(both);
    }

    CodePointSet complement() {
        List<Integer> out = new ArrayList<>();
        int next = 0;
        for (int i = 0; i < ranges.length; i += 2) {
            if (ranges[i] > next) {
                out.add(next);
                out.add(ranges[i] - 1);
            }
            next = ranges[i + 1] + 1;
        }
        if (next <= MAX) {
            out.add(next);
            out.add(MAX);
        }
        return new CodePointSet(out.stream().mapToInt(Integer::intValue).toArray());
    }

    CodePointSet minus(CodePointSet other) {
        return complement().union(other).complement();
    }

    CodePointSet intersect(CodePointSet other) {
        return complement().union(other.complement()).complement();
    }

    boolean contains(int c) {
        for (int i = 0; i < ranges.length; i += 2) if (c >= ranges[i] && c <= ranges[i + 1]) return true;
        return false;
    }

    boolean isEmpty() {
        return ranges.length == 0;
    }

    int[] ranges() {
        return ranges.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CodePointSet s && Arrays.equals(ranges, s.ranges);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ranges);
    }
}
