package org.cachevisor.isa;

import java.util.Map;

/**
 * Encoder derived from the table: a row and values for its named fields give the instruction
 * word. Fields the row fixes may be omitted (or given with their fixed value), should-be fields
 * default to their should-be value; every other variable field must be given. Values are range-checked against the field width, the result against the
 * row (its guard for a base row; its pattern and condition for an alias).
 */
public final class Encoder {
    private Encoder() {}

    /**
     * The word for {@code row} with {@code fields}.
     *
     * @throws IllegalArgumentException naming the field for an unknown field, a missing variable
     *     field, a value out of range, a value contradicting a fixed bit, or a word the row rejects
     */
    public static int encode(Encoding row, Map<String, Integer> fields) {
        int w = row.value();
        for (Map.Entry<String, Integer> e : fields.entrySet()) {
            if (!row.has(e.getKey())) throw new IllegalArgumentException(row.id() + " has no field " + e.getKey());
        }
        for (Field f : row.fields().values()) {
            Integer v = fields.get(f.name());
            if (v == null && f.shouldBe() >= 0) v = f.shouldBe();
            if (v == null) {
                if (f.fixedMask() != f.mask()) throw new IllegalArgumentException(row.id() + ": field " + f.name() + " missing");
                continue;
            }
            if ((v & ~f.mask()) != 0) {
                throw new IllegalArgumentException(row.id() + ": " + f.name() + " = " + v + " out of range (0.." + f.mask() + ")");
            }
            if ((v & f.fixedMask()) != f.fixedValue()) {
                throw new IllegalArgumentException(row.id() + ": " + f.name() + " = " + v + " contradicts the fixed bits of the row");
            }
            w = f.insert(w, v);
        }
        if ((w & row.mask()) != row.value()) {
            throw new IllegalArgumentException(row.id() + ": fields contradict the row's fixed bits");
        }
        if (!row.matches(w)) {
            throw new IllegalArgumentException(String.format("%s: 0x%08x is not an allocated instance of the row (guard/condition: %s)",
                    row.id(), w, row.isAlias() ? row.preferredWhen() : row.guard()));
        }
        return w;
    }

    /** The values of all of {@code row}'s fields in {@code word} (inverse of {@link #encode}). */
    public static Map<String, Integer> fields(Encoding row, int word) {
        Map<String, Integer> m = new java.util.LinkedHashMap<>();
        for (Field f : row.fields().values()) m.put(f.name(), f.extract(word));
        return m;
    }
}
