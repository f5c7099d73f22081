package org.cachevisor.isa;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * jqwik generators derived from the table: random valid words of a row (pattern, guard and, for
 * aliases, the preferred-disassembly condition hold), and (row, word) pairs over all rows.
 */
public final class EncodingArbitraries {
    private EncodingArbitraries() {}

    /** A row and one of its words. */
    public record RowWord(Encoding row, int word) {
        @Override public String toString() { return String.format("%s 0x%08x", row.id(), word); }
    }

    /** Random words of {@code row} (each drawn from a jqwik-chosen seed, so shrinking and replay work). */
    public static Arbitrary<Integer> words(Encoding row) {
        return Arbitraries.longs().map(seed -> RandomEncodings.word(row, new SplittableRandom(seed)));
    }

    /** Every base row and alias row. */
    public static List<Encoding> allRows() {
        List<Encoding> rows = new ArrayList<>(A64.encodings());
        rows.addAll(A64.aliases());
        return rows;
    }

    /** (row, word) over the base rows only. */
    public static Arbitrary<RowWord> baseRowWords() {
        return Combinators.combine(Arbitraries.of(A64.encodings()), Arbitraries.longs())
                .as((row, seed) -> new RowWord(row, RandomEncodings.word(row, new SplittableRandom(seed))));
    }

    /** (row, word) over base and alias rows. */
    public static Arbitrary<RowWord> anyRowWords() {
        return Combinators.combine(Arbitraries.of(allRows()), Arbitraries.longs())
                .as((row, seed) -> new RowWord(row, RandomEncodings.word(row, new SplittableRandom(seed))));
    }
}
