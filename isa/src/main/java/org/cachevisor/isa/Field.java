package org.cachevisor.isa;

/**
 * A named bit field of an instruction word, as the Arm ARM encoding box draws it (e.g. "Rn" at
 * bits [9:5]). A field may be fixed by a row's pattern (e.g. "sf" = 1 in a 64-bit row); it is
 * still readable with {@link #extract(int)}.
 */
public final class Field {
    private final String name;
    private final int lsb;
    private final int width;
    private final int fixedMask;   // bits (relative to lsb) the row's pattern fixes
    private final int fixedValue;
    private final int shouldBe;    // the manual's "(1)"/"(0)" value for encoding, or -1

    Field(String name, int lsb, int width, int fixedMask, int fixedValue) {
        this(name, lsb, width, fixedMask, fixedValue, -1);
    }

    Field(String name, int lsb, int width, int fixedMask, int fixedValue, int shouldBe) {
        if (width < 1 || lsb < 0 || lsb + width > 32) {
            throw new IllegalArgumentException("field " + name + " out of the 32-bit word: lsb " + lsb + " width " + width);
        }
        this.name = name;
        this.lsb = lsb;
        this.width = width;
        this.fixedMask = fixedMask;
        this.fixedValue = fixedValue;
        this.shouldBe = shouldBe;
    }

    /** The field's value in {@code word}, zero-extended (UInt of the bits). */
    public int extract(int word) {
        return (word >>> lsb) & mask();
    }

    /** The field's value in {@code word}, sign-extended from its top bit (SInt of the bits). */
    public int extractSigned(int word) {
        return (word << (32 - lsb - width)) >> (32 - width);
    }

    /** {@code word} with this field replaced by {@code value} (which must fit the width). */
    public int insert(int word, int value) {
        if ((value & ~mask()) != 0) {
            throw new IllegalArgumentException("value " + value + " does not fit field " + name + " (" + width + " bits)");
        }
        return (word & ~(mask() << lsb)) | (value << lsb);
    }

    public int lsb() { return lsb; }
    public int width() { return width; }
    public String name() { return name; }
    /** All-ones of the field's width, unshifted. */
    public int mask() { return width == 32 ? -1 : (1 << width) - 1; }
    /** Bits of the field (unshifted) fixed by the row's pattern. */
    public int fixedMask() { return fixedMask; }
    /** Values of the fixed bits (unshifted). */
    public int fixedValue() { return fixedValue; }
    /**
     * For a should-be field (the Arm ARM's "(1)" bits, e.g. LDXR's Rs): the value encoders write;
     * decoding ignores it. -1 for other fields.
     */
    public int shouldBe() { return shouldBe; }

    /** True if the pattern fixes every bit of this field. */
    public boolean isFixed() { return fixedMask == mask(); }

    @Override public String toString() {
        return name + "[" + (lsb + width - 1) + (width > 1 ? ":" + lsb : "") + "]";
    }
}
