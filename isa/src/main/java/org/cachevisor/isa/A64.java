package org.cachevisor.isa;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The A64 decoder, derived from {@link Table}, and the table's public face.
 *
 * <p>Built once at class initialisation: base rows are bucketed on bits [28:25] (the Arm ARM's
 * top-level "op0" decode), each bucket scanned most-specific-first. Building REFUSES (throws
 * {@link IllegalStateException}, failing class initialisation) any overlap between two base rows
 * that the table does not declare with {@code overrides} — a declared overlap means the more
 * specific row wins (e.g. NOP over HINT), and the overriding row's mask must be a superset of the
 * overridden row's.
 */
public final class A64 {
    private static final List<Encoding> BASES;
    private static final List<Encoding> ALIASES;
    private static final Map<String, Encoding> BY_ID = new HashMap<>();
    private static final Map<Encoding, List<Encoding>> ALIASES_OF = new HashMap<>();
    private static final Encoding[][] BUCKETS = new Encoding[16][];

    static {
        TableBuilder t = Table.build();
        BASES = Collections.unmodifiableList(new ArrayList<>(t.bases));
        ALIASES = Collections.unmodifiableList(new ArrayList<>(t.aliases));
        for (int i = 0; i < BASES.size(); i++) BASES.get(i).setIndex(i);
        for (Encoding e : BASES) BY_ID.put(e.id(), e);
        for (Encoding e : ALIASES) {
            BY_ID.put(e.id(), e);
            ALIASES_OF.computeIfAbsent(e.aliasOf(), k -> new ArrayList<>()).add(e);
        }
        checkOverlaps(BASES);
        for (int b = 0; b < 16; b++) {
            List<Encoding> rows = new ArrayList<>();
            int bucketValue = b << 25, bucketMask = 0xF << 25;
            for (Encoding e : BASES) {
                if (((e.value() ^ bucketValue) & e.mask() & bucketMask) == 0) rows.add(e);
            }
            // most specific first, so that a declared overriding row is tried before the row it overrides
            rows.sort((x, y) -> Integer.bitCount(y.mask()) - Integer.bitCount(x.mask()));
            BUCKETS[b] = rows.toArray(new Encoding[0]);
        }
    }

    private A64() {}

    /**
     * Checks that every pair of base rows whose patterns can match a common word is a declared
     * overlap (one overrides the other and its mask is a superset). Package-visible for tests.
     */
    static void checkOverlaps(List<Encoding> rows) {
        Map<String, Encoding> ids = new HashMap<>();
        for (Encoding e : rows) ids.put(e.id(), e);
        for (Encoding e : rows) {
            for (String o : e.overrides()) {
                Encoding other = ids.get(o);
                if (other == null) throw new IllegalStateException(e.id() + " overrides unknown row " + o);
                if ((e.mask() & other.mask()) != other.mask() || ((e.value() ^ other.value()) & other.mask()) != 0) {
                    throw new IllegalStateException(e.id() + " overrides " + o + " but is not more specific");
                }
            }
        }
        for (int i = 0; i < rows.size(); i++) {
            Encoding a = rows.get(i);
            for (int j = i + 1; j < rows.size(); j++) {
                Encoding b = rows.get(j);
                if (((a.value() ^ b.value()) & a.mask() & b.mask()) != 0) continue;
                if (a.overrides().contains(b.id()) || b.overrides().contains(a.id())) continue;
                int common = (a.value() & a.mask()) | (b.value() & b.mask());
                throw new IllegalStateException(String.format(
                        "undeclared overlap between encodings %s (%s) and %s (%s): both match 0x%08x",
                        a.id(), a.pattern(), b.id(), b.pattern(), common));
            }
        }
    }

    /**
     * Decodes {@code word} to its base row, or null if the word is UNALLOCATED (no row matches,
     * or the matching row's guard rejects it). Never throws.
     */
    public static Encoding decode(int word) {
        Encoding[] bucket = BUCKETS[(word >>> 25) & 0xF];
        for (Encoding e : bucket) {
            if ((word & e.mask()) == e.value()) {
                Expr g = e.guard();
                return g == null || !g.test(word) ? e : null;
            }
        }
        return null;
    }

    /**
     * The preferred disassembly row of {@code word}: the first alias of its base row (in table
     * order) whose pattern and condition hold, else the base row; null if UNALLOCATED.
     */
    public static Encoding preferred(int word) {
        Encoding base = decode(word);
        if (base == null) return null;
        List<Encoding> as = ALIASES_OF.get(base);
        if (as != null) {
            for (Encoding a : as) {
                if ((word & a.mask()) == a.value() && (a.preferredWhen() == null || a.preferredWhen().test(word))) return a;
            }
        }
        return base;
    }

    /** The base rows, in table order; {@code encodings().get(i).index() == i}. */
    public static List<Encoding> encodings() { return BASES; }

    /** The alias rows, in table order. */
    public static List<Encoding> aliases() { return ALIASES; }

    /** The aliases of a base row, in priority order (empty if none). */
    public static List<Encoding> aliasesOf(Encoding base) {
        List<Encoding> l = ALIASES_OF.get(base);
        return l == null ? List.of() : Collections.unmodifiableList(l);
    }

    /** The row (base or alias) with Arm encoding id {@code id}, or null. */
    public static Encoding byId(String id) { return BY_ID.get(id); }
}
