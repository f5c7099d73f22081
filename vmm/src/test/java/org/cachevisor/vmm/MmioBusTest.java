package org.cachevisor.vmm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MmioBusTest {

    /** A device that records accesses and reads back offset + size * 0x1000. */
    static final class Recorder implements MmioDevice {
        final String name; final long base, size;
        final List<String> log = new ArrayList<>();
        Recorder(String name, long base, long size) { this.name = name; this.base = base; this.size = size; }
        @Override public String name() { return name; }
        @Override public long base() { return base; }
        @Override public long size() { return size; }
        @Override public long read(long offset, int s) { log.add("R " + offset + " " + s); return offset + s * 0x1000L; }
        @Override public void write(long offset, int s, long v) { log.add("W " + offset + " " + s + " " + v); }
    }

    @Test
    void read_addressInsideWindow_routedWithOffset() {
        MmioBus bus = new MmioBus();
        Recorder a = new Recorder("a", 0x1000, 0x100), b = new Recorder("b", 0x2000, 0x1000);
        bus.add(b);
        bus.add(a);
        MmioBus.Result r = new MmioBus.Result();
        bus.read(0x2ff8, 8, r);
        assertThat(r.status).isEqualTo(MmioBus.Status.OK);
        assertThat(r.device).isSameAs(b);
        assertThat(r.value).isEqualTo(0xff8 + 0x8000);
        bus.write(0x1004, 4, 0x55, r);
        assertThat(a.log).containsExactly("W 4 4 85");
        assertThat(b.log).containsExactly("R 4088 8");
        assertThat(bus.devices()).containsExactly(a, b);
    }

    @Test
    void read_unmappedAddress_reportedAsDataAndCounted() {
        MmioBus bus = new MmioBus();
        Recorder a = new Recorder("a", 0x1000, 0x100);
        bus.add(a);
        MmioBus.Result r = new MmioBus.Result();
        bus.read(0x1100, 4, r);   // one past the end
        assertThat(r.status).isEqualTo(MmioBus.Status.UNMAPPED);
        assertThat(r.value).isZero();
        assertThat(r.device).isNull();
        bus.write(0xfff, 1, 1, r); // one before the start
        assertThat(r.status).isEqualTo(MmioBus.Status.UNMAPPED);
        bus.read(0, 4, r);
        assertThat(bus.unmappedReads()).isEqualTo(2);
        assertThat(bus.unmappedWrites()).isEqualTo(1);
        assertThat(a.log).isEmpty();
    }

    @Test
    void read_accessStraddlingWindowEnd_reportedNotForwarded() {
        MmioBus bus = new MmioBus();
        Recorder a = new Recorder("a", 0x1000, 0x100);
        bus.add(a);
        MmioBus.Result r = new MmioBus.Result();
        bus.read(0x10fc, 8, r);
        assertThat(r.status).isEqualTo(MmioBus.Status.STRADDLES);
        assertThat(r.device).isSameAs(a);
        bus.read(0x10fc, 4, r);
        assertThat(r.status).isEqualTo(MmioBus.Status.OK);
        assertThat(a.log).containsExactly("R 252 4");
    }

    @Test
    void read_sizeNotPowerOfTwoUpTo8_badSize() {
        MmioBus bus = new MmioBus();
        bus.add(new Recorder("a", 0x1000, 0x100));
        MmioBus.Result r = new MmioBus.Result();
        for (int size : new int[] {0, 3, 16}) {
            bus.read(0x1000, size, r);
            assertThat(r.status).isEqualTo(MmioBus.Status.BAD_SIZE);
        }
    }

    @Test
    void add_overlappingWindow_refusedAndBusUnchanged() {
        MmioBus bus = new MmioBus();
        Recorder a = new Recorder("a", 0x1000, 0x100);
        bus.add(a);
        assertThatThrownBy(() -> bus.add(new Recorder("b", 0x10ff, 0x10)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overlaps a");
        assertThatThrownBy(() -> bus.add(new Recorder("c", 0x800, 0x1000)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("c");
        assertThat(bus.devices()).containsExactly(a);
        bus.add(new Recorder("adjacent", 0x1100, 0x10)); // touching is fine
        assertThat(bus.devices()).hasSize(2);
    }

    @Test
    void add_emptyOrWrappingWindow_refused() {
        MmioBus bus = new MmioBus();
        assertThatThrownBy(() -> bus.add(new Recorder("z", 0x1000, 0))).hasMessageContaining("not positive");
        assertThatThrownBy(() -> bus.add(new Recorder("w", -0x10, 0x20))).hasMessageContaining("wraps");
    }

    @Test
    void deviceAt_highAddresses_comparedUnsigned() {
        MmioBus bus = new MmioBus();
        Recorder low = new Recorder("low", 0x1000, 0x1000), high = new Recorder("high", 0x8000_0000_0000_0000L, 0x1000);
        bus.add(high);
        bus.add(low);
        assertThat(bus.deviceAt(0x8000_0000_0000_0010L)).isSameAs(high);
        assertThat(bus.deviceAt(0x1010)).isSameAs(low);
        assertThat(bus.deviceAt(0x7fff_ffff_ffff_ffffL)).isNull();
        assertThat(bus.devices()).containsExactly(low, high);
    }
}
