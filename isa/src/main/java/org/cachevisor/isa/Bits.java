package org.cachevisor.isa;

/**
 * ASL helper functions of the Arm ARM shared pseudocode that the table, the executor and the
 * (dis)assembler need: DecodeBitMasks, MoveWidePreferred, BFXPreferred, sign extension.
 */
public final class Bits {
    private Bits() {}

    /** SignExtend(value&lt;width-1:0&gt;, 64). */
    public static long signExtend(long value, int width) {
        return (value << (64 - width)) >> (64 - width);
    }

    /** Ones(n) as a long, n in 0..64. */
    public static long ones(int n) {
        return n >= 64 ? -1L : (1L << n) - 1;
    }

    /** HighestSetBit of the low {@code width} bits, or -1 if none. */
    public static int highestSetBit(int value, int width) {
        for (int i = width - 1; i >= 0; i--) if (((value >>> i) & 1) != 0) return i;
        return -1;
    }

    /** ROR(x, shift) within {@code esize} bits. */
    public static long ror(long x, int shift, int esize) {
        long m = ones(esize);
        x &= m;
        shift %= esize;
        if (shift == 0) return x;
        return ((x >>> shift) | (x << (esize - shift))) & m;
    }

    /** Replicate the low {@code esize} bits of x to fill {@code datasize} bits. */
    public static long replicate(long x, int esize, int datasize) {
        long r = 0;
        for (int i = 0; i < datasize; i += esize) r |= (x & ones(esize)) << i;
        return r;
    }

    /**
     * True if (N, imms, immr) is a valid bitmask immediate for {@code datasize} (32 or 64), i.e.
     * DecodeBitMasks(immediate = TRUE) does not hit its UNDEFINED cases.
     */
    public static boolean validBitMasks(int n, int imms, int immr, int datasize) {
        int len = highestSetBit((n << 6) | (~imms & 0x3f), 7);
        if (len < 1) return false;
        if (datasize == 32 && n != 0) return false;
        int levels = (1 << len) - 1;
        return (imms & levels) != levels;
    }

    /**
     * DecodeBitMasks(N, imms, immr, immediate = TRUE, M = datasize) returning wmask, or throws
     * IllegalArgumentException for a reserved value (callers check {@link #validBitMasks} first).
     */
    public static long decodeBitMasks(int n, int imms, int immr, int datasize) {
        if (!validBitMasks(n, imms, immr, datasize)) {
            throw new IllegalArgumentException("reserved bitmask immediate N=" + n + " imms=" + imms + " immr=" + immr);
        }
        int len = highestSetBit((n << 6) | (~imms & 0x3f), 7);
        int levels = (1 << len) - 1;
        int s = imms & levels;
        int r = immr & levels;
        int esize = 1 << len;
        long welem = ones(s + 1);
        return replicate(ror(welem, r, esize), esize, datasize);
    }

    /** DecodeBitMasks' tmask (for bitfield moves): returns {wmask, tmask}. */
    public static long[] decodeBitMasksBitfield(int n, int imms, int immr, int datasize) {
        int len = highestSetBit((n << 6) | (~imms & 0x3f), 7);
        if (len < 1) throw new IllegalArgumentException("reserved bitfield immediate");
        int levels = (1 << len) - 1;
        int s = imms & levels;
        int r = immr & levels;
        int diff = (s - r) & levels;
        int esize = 1 << len;
        long welem = ones(s + 1);
        long telem = ones(diff + 1);
        return new long[] {replicate(ror(welem, r, esize), esize, datasize), replicate(telem, esize, datasize)};
    }

    /** MoveWidePreferred(sf, immN, imms, immr) of the Arm ARM (MOV (bitmask immediate) alias). */
    public static boolean moveWidePreferred(int sf, int immN, int imms, int immr) {
        int width = sf == 1 ? 64 : 32;
        if (sf == 1 && immN != 1) return false;
        if (sf == 0 && !(immN == 0 && (imms & 0x20) == 0)) return false;
        // for MOVZ must contain no more than 16 ones
        if (width == 64 && imms < 16) return (-immr & 15) <= (15 - imms);
        if (width == 32 && imms < 16) return (-immr & 15) <= (15 - imms);
        // for MOVN must contain no more than 16 zeros
        if (imms >= width - 15) return (immr & 15) <= (imms - (width - 15));
        return false;
    }

    /**
     * True if the bitmask immediate (N, imms, immr) of {@code sf}'s width is also a single
     * MOVZ or MOVN value. This is binutils' test for MOV (bitmask immediate) (it looks at the
     * value), which differs from the Arm ARM's MoveWidePreferred() on some encodings, e.g.
     * 0xffc0ffff (MOVN-able, but MoveWidePreferred is FALSE); we follow objdump.
     */
    public static boolean bitmaskIsWideConstant(int sf, int immN, int imms, int immr) {
        int ds = sf == 1 ? 64 : 32;
        if (!validBitMasks(immN, imms, immr, ds)) return false;
        long v = decodeBitMasks(immN, imms, immr, ds);
        return isWideConstant(v, ds) || isWideConstant(~v & ones(ds), ds);
    }

    /** True if {@code value} (of {@code datasize} bits) is one 16-bit chunk at a 16-bit boundary. */
    public static boolean isWideConstant(long value, int datasize) {
        for (int hw = 0; hw < datasize / 16; hw++) {
            if ((value & ~(0xffffL << (16 * hw))) == 0) return true;
        }
        return false;
    }

    /** BFXPreferred(sf, uns, imms, immr) of the Arm ARM (UBFX/SBFX alias of UBFM/SBFM). */
    public static boolean bfxPreferred(int sf, int uns, int imms, int immr) {
        if (imms < immr) return false;
        if (imms == (sf == 1 ? 63 : 31)) return false;
        if (immr == 0) {
            if (sf == 0 && (imms == 7 || imms == 15)) return false;
            if (sf == 1 && uns == 0 && (imms == 7 || imms == 15 || imms == 31)) return false;
        }
        return true;
    }

    private static java.util.Map<Long, Integer> bitmask32, bitmask64;

    /**
     * The (N:immr:imms) 13-bit encoding of {@code value} as a logical immediate of
     * {@code datasize} bits, or -1 if it has none (the inverse of DecodeBitMasks).
     */
    public static synchronized int encodeBitMask(long value, int datasize) {
        if (bitmask64 == null) {
            bitmask32 = new java.util.HashMap<>();
            bitmask64 = new java.util.HashMap<>();
            for (int n = 0; n <= 1; n++) {
                for (int immr = 0; immr < 64; immr++) {
                    for (int imms = 0; imms < 64; imms++) {
                        int enc = (n << 12) | (immr << 6) | imms;
                        if (validBitMasks(n, imms, immr, 64)) bitmask64.putIfAbsent(decodeBitMasks(n, imms, immr, 64), enc);
                        if (immr < 32 && validBitMasks(n, imms, immr, 32)) bitmask32.putIfAbsent(decodeBitMasks(n, imms, immr, 32), enc);
                    }
                }
            }
        }
        Integer e = (datasize == 32 ? bitmask32 : bitmask64).get(datasize == 32 ? value & 0xffffffffL : value);
        return e == null ? -1 : e;
    }
}
