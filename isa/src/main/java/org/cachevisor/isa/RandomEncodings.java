package org.cachevisor.isa;

import java.util.SplittableRandom;

/**
 * Random valid instances of a row, for fuzzers and property tests (JDK only; the jqwik
 * arbitraries in the tests wrap this). A word is the row's fixed bits with random variable bits,
 * redrawn until the row (base: pattern and guard; alias: also its condition) accepts it.
 */
public final class RandomEncodings {
    private RandomEncodings() {}

    /**
     * A random word that {@link Encoding#matches} accepts, or throws IllegalStateException if none
     * is found in a million draws (a row whose guard rejects nearly everything).
     */
    public static int word(Encoding e, SplittableRandom rnd) {
        for (int i = 0; i < 1_000_000; i++) {
            int w = (rnd.nextInt() & ~e.mask()) | e.value();
            // bias the register fields towards 31 (SP/ZR) and small values sometimes, where aliases live
            if (rnd.nextInt(4) == 0) {
                for (Field f : e.fields().values()) {
                    if (f.fixedMask() == 0 && f.width() == 5 && f.name().startsWith("R") && rnd.nextInt(3) == 0) w = f.insert(w, 31);
                }
            }
            if (rnd.nextInt(4) == 0) {
                for (Field f : e.fields().values()) {
                    if (f.fixedMask() == 0 && f.width() >= 6 && rnd.nextBoolean()) w = f.insert(w, rnd.nextInt(Math.min(f.mask() + 1, 4)));
                }
            }
            if (e.matches(w) && (e.isAlias() ? A64.preferred(w) == e : A64.decode(w) == e)) return w;
        }
        throw new IllegalStateException("no random instance of " + e.id() + " found");
    }
}
