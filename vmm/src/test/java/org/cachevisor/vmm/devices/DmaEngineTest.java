package org.cachevisor.vmm.devices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.cachevisor.vmm.GuestMemoryPort;
import org.junit.jupiter.api.Test;

class DmaEngineTest {
    static final long RAM = 0x4000_0000L;

    /** A flat 64 KiB of guest RAM at 0x4000_0000 that logs every port call. */
    static final class FakeMemory implements GuestMemoryPort {
        final byte[] ram = new byte[64 << 10];
        final List<String> log = new ArrayList<>();
        @Override public boolean contains(long ipa, long len) {
            return len >= 0 && ipa >= RAM && ipa - RAM <= ram.length && len <= ram.length - (ipa - RAM);
        }
        @Override public void read(long ipa, byte[] dst, int off, int len) {
            if (!contains(ipa, len)) throw new IllegalArgumentException("outside");
            log.add(String.format("read 0x%x %d", ipa, len));
            System.arraycopy(ram, (int) (ipa - RAM), dst, off, len);
        }
        @Override public void write(long ipa, byte[] src, int off, int len) {
            if (!contains(ipa, len)) throw new IllegalArgumentException("outside");
            log.add(String.format("write 0x%x %d", ipa, len));
            System.arraycopy(src, off, ram, (int) (ipa - RAM), len);
        }
    }

    private final FakeMemory mem = new FakeMemory();
    private final List<Boolean> irq = new ArrayList<>();
    private final DmaEngine dma = new DmaEngine("dma", 0x0C00_0000L, mem, irq::add);

    private void program(long src, long dst, long len) {
        dma.write(DmaEngine.SRC, 8, src);
        dma.write(DmaEngine.DST, 8, dst);
        dma.write(DmaEngine.LEN, 8, len);
    }

    @Test
    void go_validRange_copiesExactlyLenBytesAndSetsDone() {
        for (int i = 0; i < 256; i++) mem.ram[0x100 + i] = (byte) (i * 7 + 1);
        byte[] before = mem.ram.clone();
        program(RAM + 0x100, RAM + 0x2000, 200);
        dma.write(DmaEngine.GO, 4, 1);
        assertThat(dma.read(DmaEngine.STATUS, 4)).isEqualTo(DmaEngine.STATUS_DONE);
        assertThat(dma.read(DmaEngine.ERROR, 4)).isZero();
        assertThat(dma.read(DmaEngine.COUNT, 4)).isEqualTo(1);
        for (int i = 0; i < 200; i++) assertThat(mem.ram[0x2000 + i]).isEqualTo((byte) (i * 7 + 1));
        // Nothing else changed: the byte after the copy and everything outside it.
        byte[] expected = before.clone();
        System.arraycopy(before, 0x100, expected, 0x2000, 200);
        assertThat(mem.ram).isEqualTo(expected);
        assertThat(mem.log).containsExactly("read 0x40000100 200", "write 0x40002000 200");
    }

    @Test
    void go_lenZero_errorAndNoMemoryAccess() {
        program(RAM, RAM + 0x100, 0);
        dma.write(DmaEngine.GO, 4, 1);
        assertThat(dma.read(DmaEngine.STATUS, 4)).isEqualTo(DmaEngine.STATUS_ERROR);
        assertThat(dma.read(DmaEngine.ERROR, 4)).isEqualTo(DmaEngine.ERR_LEN_ZERO);
        assertThat(mem.log).isEmpty();
    }

    @Test
    void go_lenAboveMax_errorTooBig() {
        program(RAM, RAM, DmaEngine.MAX_LEN + 1);
        dma.write(DmaEngine.GO, 4, 1);
        assertThat(dma.read(DmaEngine.ERROR, 4)).isEqualTo(DmaEngine.ERR_LEN_TOO_BIG);
        program(RAM, RAM, -1L); // huge unsigned
        dma.write(DmaEngine.GO, 4, 1);
        assertThat(dma.read(DmaEngine.ERROR, 4)).isEqualTo(DmaEngine.ERR_LEN_TOO_BIG);
        assertThat(mem.log).isEmpty();
    }

    @Test
    void go_sourceOrDestinationOutsideRam_errorAndMemoryUnchanged() {
        Arrays.fill(mem.ram, (byte) 0x5A);
        program(RAM + mem.ram.length - 8, RAM, 16);   // source runs off the end of RAM
        dma.write(DmaEngine.GO, 4, 1);
        assertThat(dma.read(DmaEngine.ERROR, 4)).isEqualTo(DmaEngine.ERR_SRC_OUTSIDE_RAM);
        program(RAM, 0x0900_0000L, 16);               // destination is the UART, not RAM
        dma.write(DmaEngine.GO, 4, 1);
        assertThat(dma.read(DmaEngine.ERROR, 4)).isEqualTo(DmaEngine.ERR_DST_OUTSIDE_RAM);
        assertThat(dma.read(DmaEngine.STATUS, 4)).isEqualTo(DmaEngine.STATUS_ERROR);
        assertThat(dma.read(DmaEngine.COUNT, 4)).isZero();
        assertThat(mem.log).isEmpty();
        for (byte b : mem.ram) assertThat(b).isEqualTo((byte) 0x5A);
    }

    @Test
    void goValueOtherThanOne_ignored() {
        program(RAM, RAM + 0x10, 4);
        dma.write(DmaEngine.GO, 4, 2);
        assertThat(dma.read(DmaEngine.STATUS, 4)).isZero();
        assertThat(mem.log).isEmpty();
    }

    @Test
    void status_writeOneToClear_andInterruptFollowsIe() {
        dma.write(DmaEngine.CTRL, 4, DmaEngine.CTRL_IE);
        program(RAM, RAM + 0x10, 4);
        dma.write(DmaEngine.GO, 4, 1);
        assertThat(irq).containsExactly(true);
        assertThat(dma.irqLevel()).isTrue();
        dma.write(DmaEngine.STATUS, 4, DmaEngine.STATUS_DONE);
        assertThat(dma.read(DmaEngine.STATUS, 4)).isZero();
        assertThat(irq).containsExactly(true, false);
        // Error also interrupts.
        program(RAM, RAM, 0);
        dma.write(DmaEngine.GO, 4, 1);
        assertThat(irq).containsExactly(true, false, true);
        dma.write(DmaEngine.CTRL, 4, 0); // masking drops the line
        assertThat(irq).containsExactly(true, false, true, false);
    }

    @Test
    void registers_32BitHalvesAnd64BitAccess_agree() {
        dma.write(DmaEngine.SRC, 4, 0x8765_4321L);
        dma.write(DmaEngine.SRC + 4, 4, 0x1234L);
        assertThat(dma.read(DmaEngine.SRC, 8)).isEqualTo(0x1234_8765_4321L);
        assertThat(dma.read(DmaEngine.SRC + 4, 4)).isEqualTo(0x1234L);
        dma.write(DmaEngine.DST, 8, 0xAAAA_BBBB_CCCC_DDDDL);
        assertThat(dma.read(DmaEngine.DST, 4)).isEqualTo(0xCCCC_DDDDL);
        assertThat(dma.read(DmaEngine.ID, 4)).isEqualTo(0x4D44_5643L); // "CVDM" little-endian
        dma.write(DmaEngine.ID, 4, 0);
        assertThat(dma.read(DmaEngine.ID, 4)).isEqualTo(0x4D44_5643L);
        assertThat(dma.read(DmaEngine.SRC, 2)).isZero(); // narrow accesses read 0
    }

    @Test
    void constructor_nullPort_refused() {
        assertThatThrownBy(() -> new DmaEngine("d", 0, null, l -> { })).isInstanceOf(IllegalArgumentException.class);
    }

    /** Random copies against a reference copy written separately (System.arraycopy on a snapshot). */
    @Property(tries = 200)
    void go_randomCopies_matchReferenceModel(@ForAll long seed, @ForAll @IntRange(min = 1, max = 8) int copies) {
        SplittableRandom rnd = new SplittableRandom(seed);
        FakeMemory m = new FakeMemory();
        DmaEngine d = new DmaEngine("dma", 0, m, l -> { });
        for (int i = 0; i < m.ram.length; i++) m.ram[i] = (byte) rnd.nextInt();
        byte[] reference = m.ram.clone();
        for (int c = 0; c < copies; c++) {
            int len = 1 + rnd.nextInt(4096);
            int src = rnd.nextInt(m.ram.length - len + 1), dst = rnd.nextInt(m.ram.length - len + 1);
            d.write(DmaEngine.SRC, 8, RAM + src);
            d.write(DmaEngine.DST, 8, RAM + dst);
            d.write(DmaEngine.LEN, 8, len);
            d.write(DmaEngine.GO, 4, 1);
            byte[] snapshot = reference.clone();
            System.arraycopy(snapshot, src, reference, dst, len);
            assertThat(d.read(DmaEngine.STATUS, 4)).as("seed %d", seed).isEqualTo(DmaEngine.STATUS_DONE);
        }
        assertThat(m.ram).as("seed %d", seed).isEqualTo(reference);
    }
}
