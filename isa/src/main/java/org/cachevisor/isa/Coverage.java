package org.cachevisor.isa;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Coverage of the table by a set of instruction words (e.g. a corpus, or the words a run
 * executed): how many words decoded to each base row and were preferred as each alias; a
 * printable report grouped by {@link ExecClass}.
 */
public final class Coverage {
    private final int[] baseHits = new int[A64.encodings().size()];
    private final Map<Encoding, Integer> aliasHits = new LinkedHashMap<>();
    private int unallocated;

    /** Counts one instruction word. */
    public void record(int word) {
        Encoding base = A64.decode(word);
        if (base == null) {
            unallocated++;
            return;
        }
        baseHits[base.index()]++;
        Encoding pref = A64.preferred(word);
        if (pref.isAlias()) aliasHits.merge(pref, 1, Integer::sum);
    }

    /** Counts the little-endian words at {@code offsets} of {@code code}. */
    public void recordAll(byte[] code, List<Integer> offsets) {
        for (int off : offsets) {
            record((code[off] & 0xff) | (code[off + 1] & 0xff) << 8 | (code[off + 2] & 0xff) << 16 | (code[off + 3] & 0xff) << 24);
        }
    }

    /** Words counted for a row (base: decoded to it; alias: preferred as it). */
    public int hits(Encoding row) {
        return row.isAlias() ? aliasHits.getOrDefault(row, 0) : baseHits[row.index()];
    }

    /** Rows (base and alias, table order) no recorded word exercised. */
    public List<Encoding> missed() {
        List<Encoding> m = new ArrayList<>();
        for (Encoding e : A64.encodings()) if (hits(e) == 0) m.add(e);
        for (Encoding e : A64.aliases()) if (hits(e) == 0) m.add(e);
        return m;
    }

    /** The report: one line per ExecClass (rows hit/total, aliases hit/total), then totals and missed rows. */
    public String report() {
        Map<ExecClass, int[]> per = new EnumMap<>(ExecClass.class);
        for (Encoding e : A64.encodings()) {
            int[] c = per.computeIfAbsent(e.execClass(), k -> new int[4]);
            c[0]++;
            if (hits(e) > 0) c[1]++;
        }
        for (Encoding e : A64.aliases()) {
            int[] c = per.computeIfAbsent(e.execClass(), k -> new int[4]);
            c[2]++;
            if (hits(e) > 0) c[3]++;
        }
        StringBuilder sb = new StringBuilder(String.format("%-24s %12s %12s%n", "ExecClass", "rows hit", "aliases hit"));
        int[] t = new int[4];
        for (Map.Entry<ExecClass, int[]> en : per.entrySet()) {
            int[] c = en.getValue();
            sb.append(String.format("%-24s %5d / %-4d %5d / %-4d%n", en.getKey(), c[1], c[0], c[3], c[2]));
            for (int i = 0; i < 4; i++) t[i] += c[i];
        }
        sb.append(String.format("%-24s %5d / %-4d %5d / %-4d%n", "TOTAL", t[1], t[0], t[3], t[2]));
        if (unallocated > 0) sb.append("unallocated words: ").append(unallocated).append('\n');
        List<Encoding> missed = missed();
        if (!missed.isEmpty()) {
            sb.append("not exercised:");
            for (Encoding e : missed) sb.append(' ').append(e.id());
            sb.append('\n');
        }
        return sb.toString();
    }
}
