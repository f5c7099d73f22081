package org.cachevisor.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * A guest executing garbage gets UNDEFINED (or whatever exception the garbage asks for), never a
 * Java exception out of the PE.
 */
class PeGarbageProperties {
    @Property(tries = 30)
    void randomWords_runAtEl1AndEl0_neverThrowJavaExceptions(@ForAll long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        TestGuest g = new TestGuest();
        int words = 4096;
        for (int i = 0; i < words; i++) g.mem.ramPoke(0x10000 + 4L * i, 4, rnd.nextInt() & 0xFFFF_FFFFL);
        g.pe.reset(0x10000);
        g.pe.writeSysReg(SysRegs.VBAR_EL1, 0x10000 + 0x800 * rnd.nextInt(4));
        for (int r = 0; r < 31; r++) g.pe.setX(r, 0x10000 + rnd.nextInt(0x4000));
        if (rnd.nextBoolean()) g.pe.setPstate(0);
        if (rnd.nextBoolean()) g.pe.setRegime(Pe.REGIME_FLAT_WB);
        g.pe.attachEl2(rnd.nextBoolean());
        try {
            for (int i = 0; i < 200; i++) {
                RunStatus s = g.pe.run(100);
                if (s == RunStatus.TRAP_EL2) g.pe.advancePc();
                if (s == RunStatus.WFI) g.pe.setIrqLine(true);
            }
        } catch (RuntimeException e) {
            throw new AssertionError("seed " + seed + ": Java exception out of the PE at pc 0x"
                    + Long.toHexString(g.pe.pc()), e);
        }
        assertThat(g.pe.currentEl()).isBetween(0, 1);
    }
}
