package org.cachevisor.machine;

/**
 * Pure helper functions named after the ASL pseudocode of the Arm ARM (shared/functions and
 * aarch64/functions): AddWithCarry, DecodeBitMasks, ShiftReg, ExtendReg, ConditionHolds, CRC32,
 * multiply-high. All are static, allocation-free and side-effect free, so the executor can inline them.
 *
 * <p>Flags are returned packed in an {@code int} as PSTATE.{N,Z,C,V} in bits [3:0] (N = bit 3), the
 * layout of the NZCV nibble.
 */
public final class Asl {
    private Asl() {}

    /** Flag bits in the packed NZCV nibble. */
    public static final int N = 8, Z = 4, C = 2, V = 1;

    /** The shift types of ShiftReg (DecodeShift): LSL, LSR, ASR, ROR. */
    public static final int LSL = 0, LSR = 1, ASR = 2, ROR = 3;

    /** The extend types of ExtendReg (DecodeRegExtend): UXTB..SXTX = 0..7. */
    public static final int UXTB = 0, UXTH = 1, UXTW = 2, UXTX = 3, SXTB = 4, SXTH = 5, SXTW = 6, SXTX = 7;

    /** Masks {@code value} to {@code datasize} (32 or 64) bits. */
    public static long trunc(long value, int datasize) {
        return datasize == 64 ? value : value & 0xFFFF_FFFFL;
    }

    /** The result of AddWithCarry(x, y, carryIn) truncated to {@code datasize}. */
    public static long addWithCarry(long x, long y, int carryIn, int datasize) {
        return trunc(x + y + carryIn, datasize);
    }

    /**
     * The NZCV flags of AddWithCarry(x, y, carryIn) at {@code datasize}: N = result's top bit,
     * Z = result is zero, C = unsigned overflow (carry out), V = signed overflow.
     */
    public static int addWithCarryFlags(long x, long y, int carryIn, int datasize) {
        if (datasize == 64) {
            long r = x + y + carryIn;
            long carry = ((x & y) | ((x | y) & ~r)) >>> 63;
            long overflow = ((x ^ r) & (y ^ r)) >>> 63;
            return (r < 0 ? N : 0) | (r == 0 ? Z : 0) | ((int) carry << 1) | (int) overflow;
        }
        long x32 = x & 0xFFFF_FFFFL, y32 = y & 0xFFFF_FFFFL;
        long sum = x32 + y32 + carryIn;
        long r = sum & 0xFFFF_FFFFL;
        int carry = (int) (sum >>> 32) & 1;
        int overflow = (int) ((((x32 ^ r) & (y32 ^ r)) >>> 31) & 1);
        return ((r >>> 31) != 0 ? N : 0) | (r == 0 ? Z : 0) | (carry << 1) | overflow;
    }

    /** NZ flags of a logical result (C and V cleared), as ANDS/BICS set them. */
    public static int logicalFlags(long result, int datasize) {
        boolean neg = datasize == 64 ? result < 0 : ((result >>> 31) & 1) != 0;
        return (neg ? N : 0) | (trunc(result, datasize) == 0 ? Z : 0);
    }

    /** ConditionHolds(cond) on a packed NZCV nibble (Arm ARM shared/functions/system/ConditionHolds). */
    public static boolean conditionHolds(int cond, int nzcv) {
        boolean n = (nzcv & N) != 0, z = (nzcv & Z) != 0, c = (nzcv & C) != 0, v = (nzcv & V) != 0;
        boolean result;
        switch (cond >>> 1) {
            case 0: result = z; break;
            case 1: result = c; break;
            case 2: result = n; break;
            case 3: result = v; break;
            case 4: result = c && !z; break;
            case 5: result = n == v; break;
            case 6: result = n == v && !z; break;
            default: result = true; break;
        }
        if ((cond & 1) != 0 && cond != 0xF) result = !result;
        return result;
    }

    /** ROR(x, shift) at {@code datasize}. */
    public static long ror(long x, int shift, int datasize) {
        if (datasize == 64) return Long.rotateRight(x, shift);
        return Integer.rotateRight((int) x, shift) & 0xFFFF_FFFFL;
    }

    /** ShiftReg: shifts a register value by {@code amount} (already reduced below datasize). */
    public static long shift(long value, int type, int amount, int datasize) {
        if (datasize == 64) {
            switch (type) {
                case LSL: return value << amount;
                case LSR: return value >>> amount;
                case ASR: return value >> amount;
                default: return Long.rotateRight(value, amount);
            }
        }
        int w = (int) value;
        switch (type) {
            case LSL: return (w << amount) & 0xFFFF_FFFFL;
            case LSR: return (w >>> amount) & 0xFFFF_FFFFL;
            case ASR: return (w >> amount) & 0xFFFF_FFFFL;
            default: return Integer.rotateRight(w, amount) & 0xFFFF_FFFFL;
        }
    }

    /** ExtendReg: extends the low bits of {@code value} per {@code extendType}, then shifts left by {@code shift} (0..4). */
    public static long extend(long value, int extendType, int shift) {
        long v;
        switch (extendType) {
            case UXTB: v = value & 0xFF; break;
            case UXTH: v = value & 0xFFFF; break;
            case UXTW: v = value & 0xFFFF_FFFFL; break;
            case SXTB: v = (byte) value; break;
            case SXTH: v = (short) value; break;
            case SXTW: v = (int) value; break;
            default: v = value; break;
        }
        return v << shift;
    }

    /** Ones(n) as a long (n in 0..64). */
    public static long ones(int n) {
        return n >= 64 ? -1L : (1L << n) - 1;
    }

    /** Replicate an {@code esize}-bit element across 64 bits. */
    public static long replicate(long element, int esize) {
        long r = element & ones(esize);
        for (int s = esize; s < 64; s <<= 1) r |= r << s;
        return r;
    }

    /**
     * DecodeBitMasks(immN, imms, immr, immediate, datasize) (aarch64/instrs/integer/bitmasks):
     * returns {wmask, tmask} truncated to datasize, or {@code null} where the ASL says UNDEFINED
     * (a reserved value). Only called from the (cached) decode step, so the array is fine there.
     */
    public static long[] decodeBitMasks(int immN, int imms, int immr, boolean immediate, int datasize) {
        int combined = (immN << 6) | (~imms & 0x3F);
        int len = 31 - Integer.numberOfLeadingZeros(combined); // HighestSetBit; -1 if zero
        if (len < 1) return null;
        int levels = (int) ones(len);
        if (immediate && (imms & levels) == levels) return null;
        int s = imms & levels;
        int r = immr & levels;
        int diff = (s - r) & 0x3F;
        int esize = 1 << len;
        if (esize > datasize) return null;
        int d = diff & levels;
        long welem = ones(s + 1);
        long telem = ones(d + 1);
        long wmask = replicate(rorElement(welem, r, esize), esize);
        long tmask = replicate(telem, esize);
        return new long[] {trunc(wmask, datasize), trunc(tmask, datasize)};
    }

    private static long rorElement(long x, int shift, int esize) {
        if (shift == 0) return x;
        long mask = ones(esize);
        x &= mask;
        return ((x >>> shift) | (x << (esize - shift))) & mask;
    }

    /** The high 64 bits of the signed 128-bit product (SMULH); Java 17 lacks Math.multiplyHigh's unsigned twin. */
    public static long signedMultiplyHigh(long x, long y) {
        return Math.multiplyHigh(x, y);
    }

    /** The high 64 bits of the unsigned 128-bit product (UMULH). */
    public static long unsignedMultiplyHigh(long x, long y) {
        long high = Math.multiplyHigh(x, y);
        // Correct the signed product: each negative operand contributed -2^64 * other.
        return high + ((x >> 63) & y) + ((y >> 63) & x);
    }

    /** SDIV: round toward zero; /0 gives 0; INT_MIN / -1 gives INT_MIN (no trap). */
    public static long sdiv(long x, long y, int datasize) {
        if (datasize == 32) {
            int a = (int) x, b = (int) y;
            if (b == 0) return 0; // only the low 32 bits of the divisor count
            if (a == Integer.MIN_VALUE && b == -1) return a & 0xFFFF_FFFFL;
            return (a / b) & 0xFFFF_FFFFL;
        }
        if (y == 0) return 0;
        if (x == Long.MIN_VALUE && y == -1) return x;
        return x / y;
    }

    /** UDIV: /0 gives 0. */
    public static long udiv(long x, long y, int datasize) {
        if (datasize == 32) {
            long a = x & 0xFFFF_FFFFL, b = y & 0xFFFF_FFFFL;
            return b == 0 ? 0 : a / b;
        }
        return y == 0 ? 0 : Long.divideUnsigned(x, y);
    }

    /** CLS: the number of leading bits equal to the top bit, not counting the top bit. */
    public static long cls(long x, int datasize) {
        if (datasize == 32) {
            int w = (int) x;
            return Integer.numberOfLeadingZeros(w ^ (w << 1) | 1) ;
        }
        return Long.numberOfLeadingZeros(x ^ (x << 1) | 1);
    }

    /** CLZ at datasize. */
    public static long clz(long x, int datasize) {
        return datasize == 32 ? Integer.numberOfLeadingZeros((int) x) : Long.numberOfLeadingZeros(x);
    }

    /** RBIT at datasize. */
    public static long rbit(long x, int datasize) {
        return datasize == 32 ? Integer.reverse((int) x) & 0xFFFF_FFFFL : Long.reverse(x);
    }

    /** REV16: reverses the bytes in every halfword. */
    public static long rev16(long x, int datasize) {
        long r = ((x & 0x00FF00FF00FF00FFL) << 8) | ((x >>> 8) & 0x00FF00FF00FF00FFL);
        return trunc(r, datasize);
    }

    /** REV32: reverses the bytes in every word (REV for datasize 32). */
    public static long rev32(long x) {
        long lo = Integer.reverseBytes((int) x) & 0xFFFF_FFFFL;
        long hi = Integer.reverseBytes((int) (x >>> 32)) & 0xFFFF_FFFFL;
        return (hi << 32) | lo;
    }

    private static final int[] CRC32_TABLE = crcTable(0xEDB88320);
    private static final int[] CRC32C_TABLE = crcTable(0x82F63B78);

    private static int[] crcTable(int reflectedPoly) {
        int[] t = new int[256];
        for (int i = 0; i < 256; i++) {
            int c = i;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >>> 1) ^ reflectedPoly : c >>> 1;
            t[i] = c;
        }
        return t;
    }

    /**
     * CRC32{B,H,W,X} / CRC32C{B,H,W,X}: accumulates the low {@code bytes} bytes of {@code value}
     * (little-endian order) into {@code acc} with the reflected polynomial 0x04C11DB7 (or 0x1EDC6F41
     * for CRC32C), without the pre/post inversion (the instruction leaves that to software).
     */
    public static long crc32(int acc, long value, int bytes, boolean castagnoli) {
        int[] t = castagnoli ? CRC32C_TABLE : CRC32_TABLE;
        int c = acc;
        for (int i = 0; i < bytes; i++) {
            c = (c >>> 8) ^ t[(c ^ (int) (value >>> (8 * i))) & 0xFF];
        }
        return c & 0xFFFF_FFFFL;
    }
}
