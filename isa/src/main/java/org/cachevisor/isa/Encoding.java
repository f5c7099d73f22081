package org.cachevisor.isa;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One row of the A64 encoding table ({@link Table}): an Arm ARM encoding (base row) or an alias
 * of one (alias row, {@link #aliasOf()} non-null).
 *
 * <p>A base row has a 32-bit pattern ({@link #mask()}/{@link #value()}) whose named fields are
 * those of the Arm ARM encoding box, including fields the row fixes (e.g. {@code sf} = 1 in a
 * 64-bit row); an optional guard marks words that match the pattern but are UNALLOCATED
 * (e.g. {@code sf == 0 && N == 1} for logical immediates); an assembler template; its
 * {@link ExecClass}. An alias row shares its base row's fields; its pattern adds the alias's
 * fixed fields (e.g. CMP: Rd = 31) and its {@link #preferredWhen()} condition is Arm's
 * "preferred disassembly" condition.
 */
public final class Encoding {
    private final String id;
    private final String heading;
    private final ExecClass execClass;
    private final String pattern;
    private final int mask;
    private final int value;
    private final Map<String, Field> fields;
    private final Field[] fieldArray;
    private final Expr guard;
    private final String feature;
    private final String template;
    private final Encoding aliasOf;
    private final Expr preferredWhen;
    private final List<String> overrides;
    private int index = -1;

    Encoding(String id, String heading, ExecClass execClass, String pattern, int mask, int value,
             Map<String, Field> fields, Expr guard, String feature, String template,
             Encoding aliasOf, Expr preferredWhen, List<String> overrides) {
        this.id = id;
        this.heading = heading;
        this.execClass = execClass;
        this.pattern = pattern;
        this.mask = mask;
        this.value = value;
        this.fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        this.fieldArray = fields.values().toArray(new Field[0]);
        this.guard = guard;
        this.feature = feature;
        this.template = template;
        this.aliasOf = aliasOf;
        this.preferredWhen = preferredWhen;
        this.overrides = List.copyOf(overrides);
    }

    /** The Arm ARM (A64 XML) encoding id, e.g. "ADD_64_addsub_imm"; for aliases "CMP_SUBS_64S_addsub_imm". */
    public String id() { return id; }
    /** The Arm ARM heading, e.g. "ADD (immediate)". */
    public String heading() { return heading; }
    /** Dense index 0..N-1 over the base rows ({@link A64#encodings()}); -1 for alias rows. */
    public int index() { return index; }
    void setIndex(int index) { this.index = index; }
    public ExecClass execClass() { return execClass; }
    /** Bits fixed by the pattern. */
    public int mask() { return mask; }
    /** Values of the fixed bits. */
    public int value() { return value; }
    /** {@link #value()} with every should-be field at its should-be value: the start of an encoding. */
    public int defaultWord() {
        int w = value;
        for (Field f : fieldArray) if (f.shouldBe() >= 0) w = f.insert(w, f.shouldBe());
        return w;
    }

    /** The pattern as written in the table (bit 31 first). */
    public String pattern() { return pattern; }
    /** The assembler/disassembler template (mnemonic then operand specs, see {@code org.cachevisor.isa.text.Operands}). */
    public String template() { return template; }
    /** The mnemonic of the template, lower case (e.g. "add", "b.cond" is written "b."). */
    public String mnemonic() {
        int sp = template.indexOf(' ');
        return sp < 0 ? template : template.substring(0, sp);
    }
    /** Architecture feature required (e.g. "FEAT_CRC32"), or null for the base ISA. */
    public String feature() { return feature; }
    /** The guard over fields that makes a matching word UNALLOCATED, or null. */
    public Expr guard() { return guard; }
    /** Base rows this row overrides (declared overlaps: this row is more specific and wins). */
    public List<String> overrides() { return overrides; }
    /** The base encoding of an alias row, or null for a base row. */
    public Encoding aliasOf() { return aliasOf; }
    public boolean isAlias() { return aliasOf != null; }
    /** For an alias: Arm's preferred-disassembly condition beyond the pattern, or null (always). */
    public Expr preferredWhen() { return preferredWhen; }

    /** The named field; IllegalArgumentException if this row has no such field. */
    public Field field(String name) {
        Field f = fields.get(name);
        if (f == null) throw new IllegalArgumentException(id + " has no field " + name + " (fields: " + fields.keySet() + ")");
        return f;
    }

    public boolean has(String fieldName) { return fields.containsKey(fieldName); }

    /** The fields in box order (bit 31 first). */
    public Map<String, Field> fields() { return fields; }

    /** The fields in box order, as an array (do not modify). */
    Field[] fieldArray() { return fieldArray; }

    /** True if {@code word} matches the pattern (ignoring the guard and, for aliases, the condition). */
    public boolean matchesPattern(int word) { return (word & mask) == value; }

    /**
     * True if {@code word} is an allocated instance of this row: for a base row, the pattern
     * matches and the guard does not reject it; for an alias row, additionally its base row
     * accepts it and the preferred-disassembly condition holds.
     */
    public boolean matches(int word) {
        if ((word & mask) != value) return false;
        if (aliasOf != null) return aliasOf.matches(word) && (preferredWhen == null || preferredWhen.test(word));
        return guard == null || !guard.test(word);
    }

    @Override public String toString() { return id; }
}
