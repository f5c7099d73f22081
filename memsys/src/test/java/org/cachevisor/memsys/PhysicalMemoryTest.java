package org.cachevisor.memsys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.cachevisor.memsys.Fixture.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PhysicalMemoryTest {

    @Test
    void read_untouchedRamOf4GiB_returnsZerosWithoutAllocating() {
        MemorySystem ms = new MemorySystem(MemConfig.defaults());
        AddressMap.Region ram = ms.map().addRam("ram", 0x1_0000_0000L, 4L << 30);
        assertThat(ms.read(-1, 0, LOAD, 0x1_0000_0000L, 8, NC)).isZero();
        assertThat(ms.read(-1, 0, LOAD, 0x1_FFFF_FFF8L, 8, NC)).isZero();
        assertThat(ms.read(0, 0, LOAD, 0x1_8000_0000L, 8, WB)).isZero(); // a cacheable miss fills from RAM
        assertThat(ram.pagesAllocated()).isZero();
        ms.write(-1, 0, STORE, 0x1_2345_6000L, 1, NC, 0xAB);
        assertThat(ram.pagesAllocated()).isEqualTo(1);
        ms.write(-1, 0, STORE, 0x1_2345_6FFFL, 1, NC, 0xCD); // same 4 KiB page
        assertThat(ram.pagesAllocated()).isEqualTo(1);
        assertThat(ms.ramPeek(0x1_2345_6000L, 1)).isEqualTo(0xAB);
        assertThat(ms.ramPeek(0x1_2345_6FFFL, 1)).isEqualTo(0xCD);
    }

    @Test
    void write_eachSize_isLittleEndian() {
        MemorySystem ms = defaults();
        ms.write(-1, 0, STORE, RAM, 8, NC, 0x0807_0605_0403_0201L);
        // bytes in memory order 01 02 03 ... 08, checked byte by byte
        for (int i = 0; i < 8; i++) assertThat(ms.ramPeek(RAM + i, 1)).isEqualTo(i + 1);
        assertThat(ms.read(-1, 0, LOAD, RAM, 1, NC)).isEqualTo(0x01);
        assertThat(ms.read(-1, 0, LOAD, RAM + 1, 2, NC)).isEqualTo(0x0302);
        assertThat(ms.read(-1, 0, LOAD, RAM + 4, 4, NC)).isEqualTo(0x0807_0605L);
        assertThat(ms.read(-1, 0, LOAD, RAM + 3, 4, NC)).isEqualTo(0x0706_0504L); // misaligned is legal here
        ms.write(-1, 0, STORE, RAM + 16, 2, NC, 0xFFFF_BEEFL); // only the low 2 bytes
        assertThat(ms.ramPeek(RAM + 16, 4)).isEqualTo(0xBEEF);
        ms.write(-1, 0, STORE, RAM + 32, 4, NC, 0x8000_0001L);
        assertThat(ms.read(-1, 0, LOAD, RAM + 32, 4, NC)).isEqualTo(0x8000_0001L); // zero-extended
    }

    @Test
    void read16_write16_loIsBytes0To7() {
        MemorySystem ms = defaults();
        ms.write16(-1, 0, STORE, RAM + 0x100, NC, 0x1111_2222_3333_4444L, 0x5555_6666_7777_8888L);
        assertThat(ms.ramPeek(RAM + 0x100, 8)).isEqualTo(0x1111_2222_3333_4444L);
        assertThat(ms.ramPeek(RAM + 0x108, 8)).isEqualTo(0x5555_6666_7777_8888L);
        long[] out = new long[2];
        ms.read16(-1, 0, LOAD, RAM + 0x104, NC, out);
        assertThat(out[0]).isEqualTo(0x7777_8888_1111_2222L);
        assertThat(out[1]).isEqualTo(0x0000_0000_5555_6666L);
    }

    @Test
    void read16_straddlingALine_cacheable_reassemblesBothChunks() {
        MemorySystem ms = defaults();
        Recorder rec = new Recorder();
        ms.addObserver(rec);
        for (int i = 0; i < 16; i++) ms.ramPoke(RAM + 56 + i, 1, 0xA0 + i);
        long[] out = new long[2];
        ms.read16(0, 0, LOAD, RAM + 56, WB, out);
        assertThat(out[0]).isEqualTo(0xA7A6_A5A4_A3A2_A1A0L);
        assertThat(out[1]).isEqualTo(0xAFAE_ADAC_ABAA_A9A8L);
        assertThat(rec.count("read")).isEqualTo(2); // one event per line chunk
        ms.write16(1, 1, STORE, RAM + 60, WB, -1L, -1L);
        ms.read16(0, 0, LOAD, RAM + 56, WB, out);
        assertThat(out[0]).isEqualTo(0xFFFF_FFFF_A3A2_A1A0L);
        assertThat(out[1]).isEqualTo(-1L); // bytes 64..71 all written
        assertThat(ms.read(0, 0, LOAD, RAM + 72, 8, WB)).isEqualTo(0x0000_0000_FFFF_FFFFL); // 72..75 written, 76.. never
    }

    @Test
    void addRegion_overlapping_rejectedNamingBoth() {
        AddressMap map = new AddressMap(40);
        map.addRam("ram", 0x4000_0000L, 0x1000_0000L);
        assertThatThrownBy(() -> map.addMmio("uart", 0x4FFF_F000L, 0x2000, new NullDevice()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("uart").hasMessageContaining("ram");
        assertThatThrownBy(() -> map.addRam("odd", 0x1000_0800L, 0x1000)).hasMessageContaining("aligned");
        assertThatThrownBy(() -> map.addRam("big", 0xFF_FFFF_F000L, 0x2000)).hasMessageContaining("40-bit");
        assertThat(map.regions()).hasSize(1);
    }

    @Test
    void access_outsideEveryRegion_isBusError() {
        MemorySystem ms = defaults();
        assertThatThrownBy(() -> ms.read(-1, 0, LOAD, 0x1000, 4, NC)).isInstanceOf(BusError.class)
                .hasMessageContaining("0x1000");
        assertThatThrownBy(() -> ms.write(0, 0, STORE, RAM + RAM_SIZE - 4, 8, WB, 1)).isInstanceOf(BusError.class);
        assertThatThrownBy(() -> ms.fetch32(0, 0, RAM - 4, WB)).isInstanceOf(BusError.class);
        // nothing was written by the straddling store: the first chunk inside RAM stays zero
        assertThat(ms.ramPeek(RAM + RAM_SIZE - 4, 4)).isZero();
        assertThat(ms.lineState(MemorySystem.l1dId(0), RAM + RAM_SIZE - 4)).isEqualTo(LineState.INVALID);
    }

    @Test
    void access_badSizeOrCacheableWithoutPe_isIllegalArgument() {
        MemorySystem ms = defaults();
        assertThatThrownBy(() -> ms.read(0, 0, LOAD, RAM, 3, WB)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("size");
        assertThatThrownBy(() -> ms.read(-1, 0, LOAD, RAM, 8, WB)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pe = -1");
        assertThatThrownBy(() -> ms.write(2, 0, STORE, RAM, 8, WB, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rom_readsLikeMemory_writesGoToHandlerOrBusError() {
        MemorySystem ms = defaults();
        byte[] image = {1, 2, 3, 4, 5, 6, 7, 8};
        ms.map().addRom("boot", 0x0, 0x1000, image, null);
        assertThat(ms.read(0, 0, LOAD, 0x0, 4, WB)).isEqualTo(0x0403_0201L);
        assertThat(ms.fetch32(0, 0, 0x4, WB)).isEqualTo(0x0807_0605);
        assertThat(ms.validLines(MemorySystem.l1dId(0))).isZero();
        assertThatThrownBy(() -> ms.write(-1, 0, STORE, 0x0, 4, NC, 0)).isInstanceOf(BusError.class)
                .hasMessageContaining("ROM");
        List<String> flashWrites = new ArrayList<>();
        ms.map().addRom("flash", 0x10_0000, 0x1000, null, new MmioHandler() {
            @Override public long read(int agent, long offset, int size) { return 0; }
            @Override public void write(int agent, long offset, int size, long value) {
                flashWrites.add(offset + ":" + size + ":" + Long.toHexString(value));
            }
        });
        ms.write(0, 0, STORE, 0x10_0AAA, 2, WB, 0x98);
        assertThat(flashWrites).containsExactly("2730:2:98");
        assertThat(ms.read(0, 0, LOAD, 0x10_0AAA, 2, WB)).isZero(); // backing bytes unchanged
    }

    @Test
    void mmio_neverCachedWhateverTheAttributes() {
        MemorySystem ms = defaults();
        int[] reads = {0};
        List<String> writes = new ArrayList<>();
        ms.map().addMmio("dev", 0x900_0000L, 0x1000, new MmioHandler() {
            @Override public long read(int agent, long offset, int size) { reads[0]++; return 0x40 + offset; }
            @Override public void write(int agent, long offset, int size, long value) { writes.add(offset + "=" + value); }
        });
        assertThat(ms.read(0, 0, LOAD, 0x900_0008L, 4, WB)).isEqualTo(0x48);
        assertThat(ms.read(0, 0, LOAD, 0x900_0008L, 4, WB)).isEqualTo(0x48);
        assertThat(reads[0]).isEqualTo(2);
        ms.write(0, 0, STORE, 0x900_0010L, 4, WB, 7);
        assertThat(writes).containsExactly("16=7");
        assertThat(ms.validLines(MemorySystem.l1dId(0))).isZero();
        assertThat(ms.validLines(MemorySystem.L2_ID)).isZero();
        assertThatThrownBy(() -> ms.read(0, 0, LOAD, 0x900_0FFCL, 8, Fixture.DEV)).isInstanceOf(BusError.class);
    }

    @Test
    void bulk_writeThenRead_roundTripsAcrossPagesAndRefusesMmio() {
        MemorySystem ms = defaults();
        byte[] src = new byte[10_000];
        for (int i = 0; i < src.length; i++) src[i] = (byte) (i * 7 + 3);
        ms.writeBytes(-1, 0, RAM + 4093, src, 0, src.length, NC);
        byte[] viaCache = new byte[src.length];
        ms.readBytes(1, 1, RAM + 4093, viaCache, 0, viaCache.length, WB);
        assertThat(viaCache).isEqualTo(src);
        assertThat(ms.ramPeek(RAM + 4093 + 9999, 1)).isEqualTo(src[9999] & 0xff);
        ms.map().addMmio("dev", 0x900_0000L, 0x1000, new NullDevice());
        assertThatThrownBy(() -> ms.readBytes(-1, 0, 0x900_0000L, new byte[4], 0, 4, NC)).isInstanceOf(BusError.class);
    }

    static final class NullDevice implements MmioHandler {
        @Override public long read(int agent, long offset, int size) { return 0; }
        @Override public void write(int agent, long offset, int size, long value) {}
    }
}
