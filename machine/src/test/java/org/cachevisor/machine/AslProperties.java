package org.cachevisor.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The ASL helpers against independent references (BigInteger arithmetic, java.util.zip CRCs). */
class AslProperties {
    private static final BigInteger TWO64 = BigInteger.ONE.shiftLeft(64);

    private static BigInteger unsigned(long v) {
        return BigInteger.valueOf(v).and(TWO64.subtract(BigInteger.ONE));
    }

    /** AddWithCarry per the ASL, computed on unbounded integers. */
    private static int referenceFlags(long x, long y, int c, int n) {
        BigInteger mask = BigInteger.ONE.shiftLeft(n).subtract(BigInteger.ONE);
        BigInteger ux = unsigned(x).and(mask), uy = unsigned(y).and(mask);
        BigInteger sx = ux.testBit(n - 1) ? ux.subtract(BigInteger.ONE.shiftLeft(n)) : ux;
        BigInteger sy = uy.testBit(n - 1) ? uy.subtract(BigInteger.ONE.shiftLeft(n)) : uy;
        BigInteger usum = ux.add(uy).add(BigInteger.valueOf(c));
        BigInteger ssum = sx.add(sy).add(BigInteger.valueOf(c));
        BigInteger result = usum.and(mask);
        BigInteger sresult = result.testBit(n - 1) ? result.subtract(BigInteger.ONE.shiftLeft(n)) : result;
        int flags = 0;
        if (result.testBit(n - 1)) flags |= 8;
        if (result.signum() == 0) flags |= 4;
        if (!result.equals(usum)) flags |= 2;
        if (!sresult.equals(ssum)) flags |= 1;
        return flags;
    }

    @Property
    void addWithCarryFlags_matchesUnboundedArithmetic(@ForAll long x, @ForAll long y, @ForAll @IntRange(max = 1) int c) {
        assertThat(Asl.addWithCarryFlags(x, y, c, 64)).isEqualTo(referenceFlags(x, y, c, 64));
        assertThat(Asl.addWithCarryFlags(x, y, c, 32)).isEqualTo(referenceFlags(x, y, c, 32));
    }

    @Test
    void addWithCarryFlags_edgeCases_matchHandComputedValues() {
        assertThat(Asl.addWithCarryFlags(Long.MAX_VALUE, 1, 0, 64)).isEqualTo(0b1001); // N, V
        assertThat(Asl.addWithCarryFlags(-1L, 1, 0, 64)).isEqualTo(0b0110);           // Z, C
        assertThat(Asl.addWithCarryFlags(5, ~5L, 1, 64)).isEqualTo(0b0110);           // cmp 5, 5
        assertThat(Asl.addWithCarryFlags(0x7FFF_FFFFL, 1, 0, 32)).isEqualTo(0b1001);
    }

    @Property
    void unsignedMultiplyHigh_matchesBigInteger(@ForAll long x, @ForAll long y) {
        long expected = unsigned(x).multiply(unsigned(y)).shiftRight(64).longValue();
        assertThat(Asl.unsignedMultiplyHigh(x, y)).isEqualTo(expected);
        long sexpected = BigInteger.valueOf(x).multiply(BigInteger.valueOf(y)).shiftRight(64).longValue();
        assertThat(Asl.signedMultiplyHigh(x, y)).isEqualTo(sexpected);
    }

    @Test
    void division_byZeroAndOverflow_followsArm() {
        assertThat(Asl.udiv(5, 0, 64)).isZero();
        assertThat(Asl.sdiv(5, 0, 32)).isZero();
        assertThat(Asl.sdiv(Long.MIN_VALUE, -1, 64)).isEqualTo(Long.MIN_VALUE);
        assertThat(Asl.sdiv(0x8000_0000L, 0xFFFF_FFFFL, 32)).isEqualTo(0x8000_0000L);
        assertThat(Asl.sdiv(-7, 2, 64)).isEqualTo(-3L);
        assertThat(Asl.udiv(-1L, 2, 64)).isEqualTo(Long.MAX_VALUE);
    }

    @Property
    void crc32_matchesJavaUtilZip(@ForAll byte[] data) {
        // The instruction has no pre/post inversion; zlib's CRC-32 is ~crc(~0, bytes).
        long acc = 0xFFFF_FFFFL, accC = 0xFFFF_FFFFL;
        for (byte b : data) {
            acc = Asl.crc32((int) acc, b & 0xFF, 1, false);
            accC = Asl.crc32((int) accC, b & 0xFF, 1, true);
        }
        CRC32 ref = new CRC32();
        ref.update(data);
        CRC32C refC = new CRC32C();
        refC.update(data);
        assertThat(~acc & 0xFFFF_FFFFL).isEqualTo(ref.getValue());
        assertThat(~accC & 0xFFFF_FFFFL).isEqualTo(refC.getValue());
    }

    @Property
    void crc32_wideOperand_equalsBytewise(@ForAll int acc, @ForAll long value) {
        long bytewise = acc & 0xFFFF_FFFFL;
        for (int i = 0; i < 8; i++) bytewise = Asl.crc32((int) bytewise, (value >>> (8 * i)) & 0xFF, 1, false);
        assertThat(Asl.crc32(acc, value, 8, false)).isEqualTo(bytewise);
    }

    @Test
    void decodeBitMasks_knownImmediates_matchGnuAs() {
        // and x0, x1, #0xff -> N=1 immr=0 imms=7 (92401c20); orr w0, w1, #0x55555555 -> N=0 immr=0 imms=0x3c
        assertThat(Asl.decodeBitMasks(1, 7, 0, true, 64)[0]).isEqualTo(0xFFL);
        assertThat(Asl.decodeBitMasks(0, 0x3C, 0, true, 32)[0]).isEqualTo(0x5555_5555L);
        // lsr x0, x1, #4 = ubfm x0, x1, #4, #63: wmask = ROR(ones(64), 4), tmask = ones(60)
        long[] m = Asl.decodeBitMasks(1, 63, 4, false, 64);
        assertThat(m[0]).isEqualTo(-1L);
        assertThat(m[1]).isEqualTo(0x0FFF_FFFF_FFFF_FFFFL);
        assertThat(Asl.decodeBitMasks(1, 63, 0, true, 64)).isNull(); // all-ones is reserved
    }

    @Test
    void clsClzRbitRev_matchHandComputedValues() {
        assertThat(Asl.cls(0, 64)).isEqualTo(63L);
        assertThat(Asl.cls(-1L, 32)).isEqualTo(31L);
        assertThat(Asl.cls(0x0F00_0000L, 32)).isEqualTo(3L);
        assertThat(Asl.clz(1, 32)).isEqualTo(31L);
        assertThat(Asl.rbit(1, 32)).isEqualTo(0x8000_0000L);
        assertThat(Asl.rev16(0x1122_3344_5566_7788L, 64)).isEqualTo(0x2211_4433_6655_8877L);
        assertThat(Asl.rev32(0x1122_3344_5566_7788L)).isEqualTo(0x4433_2211_8877_6655L);
    }
}
