package org.cachevisor.vmm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** Routing by binary search agrees with a linear scan written here, for random maps and addresses. */
class MmioBusProperties {

    @Property(tries = 300)
    void deviceAt_randomMaps_agreesWithLinearScan(@ForAll long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        MmioBus bus = new MmioBus();
        List<MmioBusTest.Recorder> added = new ArrayList<>();
        int n = 1 + rnd.nextInt(20);
        for (int i = 0; i < n; i++) {
            long base = rnd.nextBoolean() ? rnd.nextLong(0, 1L << 20) : rnd.nextLong(); // low and anywhere (incl. "negative")
            long size = 1 + rnd.nextLong(0, 0x4000);
            MmioBusTest.Recorder d = new MmioBusTest.Recorder("d" + i, base, size);
            boolean overlaps = Long.compareUnsigned(base + size - 1, base) < 0;
            for (MmioBusTest.Recorder o : added) {
                overlaps |= Long.compareUnsigned(base, o.base + o.size - 1) <= 0 && Long.compareUnsigned(o.base, base + size - 1) <= 0;
            }
            if (overlaps) continue;
            bus.add(d);
            added.add(d);
        }
        for (int k = 0; k < 500; k++) {
            long ipa;
            if (rnd.nextBoolean() && !added.isEmpty()) {
                MmioBusTest.Recorder d = added.get(rnd.nextInt(added.size()));
                ipa = d.base + rnd.nextLong(-2, d.size + 2);   // around the edges
            } else {
                ipa = rnd.nextBoolean() ? rnd.nextLong(0, 1L << 20) : rnd.nextLong();
            }
            MmioDevice expected = null;
            for (MmioBusTest.Recorder d : added) if (Long.compareUnsigned(ipa - d.base, d.size) < 0) expected = d;
            assertThat(bus.deviceAt(ipa)).as("seed %d ipa 0x%x", seed, ipa).isSameAs(expected);
        }
    }
}
