package org.cachevisor.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.cachevisor.memsys.AccessKind;
import org.cachevisor.memsys.Agents;
import org.cachevisor.memsys.Attrs;
import org.cachevisor.memsys.LineState;
import org.cachevisor.memsys.Maintenance;
import org.cachevisor.memsys.MemConfig;
import org.cachevisor.memsys.MemoryObserver;
import org.cachevisor.memsys.MemorySystem;
import org.cachevisor.memsys.Source;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Arm ARM's cache rules, checked on the real memory system with the oracle watching. Each test
 * asserts BOTH the value the access returned (hand-derived from the rule: non-cacheable and Device
 * accesses see RAM, the PoC; cacheable accesses of the Inner Shareable domain are coherent; maintenance
 * by VA acts on every cache of the domain, set/way only on the executing PE's) and the oracle's verdict.
 *
 * <p>Machine: default {@link MemConfig} (2 PEs, 64-byte lines, L1D 64x4, L2 512x8), 1 MiB of RAM at
 * 0x4000_0000 (zero-initialised). The VMM and the host run on PE1 with the host's Write-Back mapping;
 * guests run on PE0 with their caches off (Device-nGnRnE or Normal-NC).
 */
class ArmRulesTest {
    static final long RAM_PA = 0x4000_0000L;
    static final long PA = RAM_PA + 0x1000;
    static final long VALUE = 0x1122334455667788L;

    MemorySystem ms;
    CoherenceOracle oracle;
    WriteLog log;
    int vmm, host, vm1, vm2;

    /** An independent record of write events (seq and agent), to check the oracle's attribution. */
    static final class WriteLog implements MemoryObserver {
        final Map<Integer, Long> lastWriteSeqByAgent = new HashMap<>();

        @Override
        public void onWrite(long seq, int pe, int agent, int kind, long pa, int size, int attrs, long lo, long hi) {
            lastWriteSeqByAgent.put(agent, seq);
        }
    }

    @BeforeEach
    void setUp() {
        ms = new MemorySystem(MemConfig.defaults());
        ms.map().addRam("ram", RAM_PA, 1 << 20);
        Agents agents = ms.agents();
        vmm = agents.register(Agents.Kind.VMM, "VMM", Agents.HOST_DOMAIN);
        host = agents.register(Agents.Kind.HOST_KERNEL, "host", Agents.HOST_DOMAIN);
        vm1 = agents.register(Agents.Kind.VCPU, "VM1.vCPU0", 1);
        vm2 = agents.register(Agents.Kind.VCPU, "VM2.vCPU0", 2);
        oracle = new CoherenceOracle(agents, ms.config().lineSize());
        log = new WriteLog();
        ms.addObserver(oracle);
        ms.addObserver(log);
    }

    // 1
    @Test
    void ncRead_afterCacheableWriteWithoutMaintenance_seesOldRamValue_violationNamesMissingCleanToPoC() {
        ms.write(1, vmm, AccessKind.STORE, PA, 8, Attrs.HOST_WB, VALUE);
        long seen = ms.read(0, vm1, AccessKind.LOAD, PA, 8, Attrs.DEVICE_nGnRnE);

        assertThat(seen).isZero(); // RAM still holds its reset contents
        assertThat(oracle.violationCount()).isEqualTo(1);
        Violation v = oracle.first();
        assertThat(v.verdict()).isEqualTo(Verdict.STALE);
        assertThat(v.readerName()).isEqualTo("VM1.vCPU0");
        assertThat(v.seen()).isZero();
        assertThat(v.expected()).isEqualTo(VALUE);
        assertThat(v.expectedWriter().agentName()).isEqualTo("VMM");
        assertThat(v.expectedWriter().seq()).isEqualTo(log.lastWriteSeqByAgent.get(vmm));
        assertThat(v.seenWriter().origin()).isEqualTo(WriteRef.Origin.INITIAL);
        assertThat(Source.place(v.source())).isEqualTo(Source.RAM);
        assertThat(v.mechanism()).isEqualTo(Mechanism.NOT_CLEANED_TO_POC);
        assertThat(v.explanation()).isEqualTo("cacheable write by VMM at seq " + log.lastWriteSeqByAgent.get(vmm)
                + " not cleaned to PoC before a non-cacheable read (its line is still dirty in PE1.L1D)");
    }

    // 2
    @Test
    void ncRead_afterCleanToPoC_seesNewValue_noViolation() {
        ms.write(1, vmm, AccessKind.STORE, PA, 8, Attrs.HOST_WB, VALUE);
        ms.dcCleanPoC(1, vmm, PA);
        long seen = ms.read(0, vm1, AccessKind.LOAD, PA, 8, Attrs.DEVICE_nGnRnE);

        assertThat(seen).isEqualTo(VALUE);
        assertThat(oracle.violated()).isFalse();
        assertThat(oracle.readsChecked()).isEqualTo(1);
    }

    // 3
    @Test
    void ncRead_afterCleanToPoUOnly_seesOldValue_violationCleanedToPoUOnly() {
        ms.write(1, vmm, AccessKind.STORE, PA, 8, Attrs.HOST_WB, VALUE);
        ms.dcCleanPoU(1, vmm, PA);
        long seen = ms.read(0, vm1, AccessKind.LOAD, PA, 8, Attrs.NC);

        assertThat(seen).isZero(); // the data reached the L2 (PoU), not RAM (PoC)
        assertThat(ms.lineState(MemorySystem.L2_ID, PA)).isEqualTo(LineState.DIRTY);
        Violation v = oracle.first();
        assertThat(v).isNotNull();
        assertThat(v.mechanism()).isEqualTo(Mechanism.CLEANED_TO_POU_ONLY);
        assertThat(v.explanation()).contains("cleaned only to PoU (DC CVAU by VMM")
                .contains("not to PoC").endsWith("(its line is still dirty in L2)");
    }

    // 4
    @Test
    void setWayCleanInvalidate_onPe0_leavesPe1DirtyLine_ncReadStillStale() {
        ms.write(1, vm1, AccessKind.STORE, PA, 8, Attrs.HOST_WB, VALUE); // guest with caches on, on PE1
        // PE0 runs the complete bare-metal DC CISW sweep of both levels (geometry from CCSIDR_EL1 by hand:
        // L1D 64 sets x 4 ways, way in bits [31:30]; L2 512 sets x 8 ways, way in [31:29]; set from bit 6).
        for (int set = 0; set < 64; set++) {
            for (int way = 0; way < 4; way++) ms.dcSetWay(0, vm1, Maintenance.DC_CISW, ((long) way << 30) | (set << 6));
        }
        for (int set = 0; set < 512; set++) {
            for (int way = 0; way < 8; way++) {
                ms.dcSetWay(0, vm1, Maintenance.DC_CISW, ((long) way << 29) | (set << 6) | (1 << 1));
            }
        }
        assertThat(ms.lineState(MemorySystem.l1dId(1), PA)).isEqualTo(LineState.DIRTY);
        long seen = ms.read(0, vm1, AccessKind.LOAD, PA, 8, Attrs.NC);

        assertThat(seen).isZero();
        Violation v = oracle.first();
        assertThat(v).isNotNull();
        assertThat(v.mechanism()).isEqualTo(Mechanism.NOT_CLEANED_TO_POC);
        assertThat(v.explanation()).contains("(its line is still dirty in PE1.L1D)")
                .contains("DC CISW by VM1.vCPU0 on PE0").endsWith("operates only on PE0's caches");
    }

    // 5
    @Test
    void dirtyLineEvicted_afterNcWrite_overwritesRam_nextNcReadViolates() {
        ms.write(1, host, AccessKind.STORE, PA, 8, Attrs.HOST_WB, 0); // host zeroes through its mapping: dirty
        ms.write(0, vm1, AccessKind.STORE, PA, 8, Attrs.DEVICE_nGnRnE, VALUE); // guest, caches off: to RAM
        assertThat(ms.read(0, vm1, AccessKind.LOAD, PA, 8, Attrs.DEVICE_nGnRnE)).isEqualTo(VALUE);
        assertThat(oracle.violated()).isFalse();

        ms.adversary().evict(MemorySystem.l1dId(1), PA); // L1D -> L2 (dirty there)
        ms.adversary().evict(MemorySystem.L2_ID, PA);    // L2 -> RAM: the host's zeros land over the guest's data
        long seen = ms.read(0, vm1, AccessKind.LOAD, PA, 8, Attrs.DEVICE_nGnRnE);

        assertThat(seen).isZero();
        Violation v = oracle.first();
        assertThat(v).isNotNull();
        assertThat(v.verdict()).isEqualTo(Verdict.STALE);
        assertThat(v.seenWriter().agentName()).isEqualTo("host");
        assertThat(v.seenWriter().seq()).isEqualTo(log.lastWriteSeqByAgent.get(host));
        assertThat(v.expectedWriter().agentName()).isEqualTo("VM1.vCPU0");
        assertThat(v.mechanism()).isEqualTo(Mechanism.WRITEBACK_OVER_NEWER_WRITE);
        assertThat(v.explanation()).startsWith("dirty line from PE1.L1D (written by host at seq "
                + log.lastWriteSeqByAgent.get(host) + ") written back by eviction (adversary)")
                .contains("over the non-cacheable write by VM1.vCPU0 at seq " + log.lastWriteSeqByAgent.get(vm1));
    }

    // 6
    @Test
    void speculativeCleanFill_beforeNcWrite_cacheableReadReturnsStaleValue_thenInvalidateFixesIt() {
        ms.adversary().declareCacheable(RAM_PA, RAM_PA + (1 << 20));
        ms.adversary().specFill(MemorySystem.l1dId(1), PA); // a clean copy of the zeros in PE1's L1D
        ms.write(0, vm1, AccessKind.STORE, PA, 8, Attrs.NC, VALUE);
        long seen = ms.read(1, vm1, AccessKind.LOAD, PA, 8, Attrs.HOST_WB);

        assertThat(seen).isZero();
        Violation v = oracle.first();
        assertThat(v).isNotNull();
        assertThat(v.mechanism()).isEqualTo(Mechanism.STALE_CLEAN_LINE);
        assertThat(v.source()).isEqualTo(Source.cache(Source.L1D, 1, LineState.CLEAN));
        assertThat(v.explanation()).startsWith("stale clean line in PE1.L1D (speculative fill at seq ")
                .endsWith("not invalidated after the non-cacheable write by VM1.vCPU0 at seq "
                        + log.lastWriteSeqByAgent.get(vm1));

        ms.dcInvalidatePoC(1, vm1, PA);
        assertThat(ms.read(1, vm1, AccessKind.LOAD, PA, 8, Attrs.HOST_WB)).isEqualTo(VALUE);
        assertThat(oracle.violationCount()).isEqualTo(1);
    }

    // 7
    @Test
    void cacheableAccesses_ofTwoPes_stayCoherent_noViolation() {
        SplittableRandom rnd = new SplittableRandom(7);
        Map<Long, Long> reference = new HashMap<>(); // 8-byte words: a flat model written here
        for (int i = 0; i < 5000; i++) {
            int pe = rnd.nextInt(2);
            // 8 lines 16 KiB apart: all in one L1D set (64 sets x 64 B repeat every 4 KiB; 4 ways), so
            // replacement keeps evicting dirty lines into the L2 while both PEs read and write them
            long pa = RAM_PA + (long) rnd.nextInt(8) * 0x1000 * 4 + rnd.nextInt(8) * 8L;
            if (rnd.nextBoolean()) {
                long value = rnd.nextLong();
                ms.write(pe, pe, AccessKind.STORE, pa, 8, Attrs.HOST_WB, value);
                reference.put(pa, value);
            } else {
                assertThat(ms.read(pe, pe, AccessKind.LOAD, pa, 8, Attrs.HOST_WB))
                        .as("read #%d by PE%d at 0x%x", i, pe, pa).isEqualTo(reference.getOrDefault(pa, 0L));
            }
        }
        assertThat(oracle.readsChecked()).isGreaterThan(2000);
        assertThat(oracle.violated()).as(oracle.summary()).isFalse();
    }

    // 8
    @Test
    void staleRead_ofVmASecret_byVmB_isLeak() {
        long secret = 0x5EC2E7_5EC2E7L;
        ms.write(0, vm1, AccessKind.STORE, PA, 8, Attrs.DEVICE_nGnRnE, secret); // VM A, caches off: in RAM
        // VM A is destroyed; the host gives the page to VM B and zeroes it through its cacheable mapping.
        ms.write(1, host, AccessKind.STORE, PA, 8, Attrs.HOST_WB, 0);
        long seen = ms.read(0, vm2, AccessKind.LOAD, PA, 8, Attrs.DEVICE_nGnRnE); // VM B, caches off

        assertThat(seen).isEqualTo(secret);
        Violation v = oracle.first();
        assertThat(v).isNotNull();
        assertThat(v.verdict()).isEqualTo(Verdict.LEAK);
        assertThat(v.readerDomain()).isEqualTo(2);
        assertThat(v.seenWriter().agentName()).isEqualTo("VM1.vCPU0");
        assertThat(v.seenWriter().domain()).isEqualTo(1);
        assertThat(v.expectedWriter().agentName()).isEqualTo("host");
        assertThat(oracle.leakCount()).isEqualTo(1);
    }

    @Test
    void fetch_afterCodeWriteCleanedToPoUButICacheNotInvalidated_staleICacheLine_thenIcIvauFixesIt() {
        int wtFetch = Attrs.make(Attrs.NORMAL_WT, Attrs.NSH); // SCTLR_EL1.M = 0, I = 1: Normal WT
        assertThat(ms.fetch32(0, 0, PA, wtFetch)).isZero(); // the L1I now holds the line
        int nop = 0xd503201f;
        ms.write(0, 0, AccessKind.STORE, PA, 4, Attrs.HOST_WB, nop);
        ms.dcCleanPoU(0, 0, PA);
        assertThat(ms.fetch32(0, 0, PA, wtFetch)).isZero();
        assertThat(oracle.first().mechanism()).isEqualTo(Mechanism.STALE_ICACHE_LINE);
        assertThat(oracle.first().explanation()).startsWith("stale line in PE0.L1I (demand fill at seq ");

        ms.icInvalidatePa(0, 0, PA);
        assertThat(ms.fetch32(0, 0, PA, wtFetch)).isEqualTo(nop);
        assertThat(oracle.violationCount()).isEqualTo(1);
    }

    @Test
    void fetch_afterCodeWriteNotCleanedToPoU_fillsStaleFromL2_fetchNotCleanedToPoU() {
        int wtFetch = Attrs.make(Attrs.NORMAL_WT, Attrs.NSH);
        int nop = 0xd503201f;
        ms.write(0, 0, AccessKind.STORE, PA, 4, Attrs.HOST_WB, nop);
        ms.icInvalidateAll(0, 0, false);
        assertThat(ms.fetch32(0, 0, PA, wtFetch)).isZero();
        assertThat(oracle.first().mechanism()).isEqualTo(Mechanism.FETCH_NOT_CLEANED_TO_POU);
        assertThat(oracle.first().explanation()).contains("(its line is still dirty in PE0.L1D)")
                .endsWith("D-cache not cleaned to PoU (no DC CVAU before the fetch)");
    }
}
