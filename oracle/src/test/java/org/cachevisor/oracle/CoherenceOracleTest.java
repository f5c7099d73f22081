package org.cachevisor.oracle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.cachevisor.memsys.AccessKind;
import org.cachevisor.memsys.Agents;
import org.cachevisor.memsys.Attrs;
import org.cachevisor.memsys.LineEvent;
import org.cachevisor.memsys.LineState;
import org.cachevisor.memsys.Maintenance;
import org.cachevisor.memsys.Source;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Unit tests of the oracle fed with synthetic event streams (no memory system): each stream is what a
 * memory system following the Arm rules would emit in the situation named by the test; expected
 * verdicts, attributions and sentences are written out by hand.
 */
class CoherenceOracleTest {
    static final long PA = 0x4000_0000L;
    static final int L1D_PE0 = Source.cache(Source.L1D, 0, 0);
    static final int L1D_PE1 = Source.cache(Source.L1D, 1, 0);
    static final int L1I_PE0 = Source.cache(Source.L1I, 0, 0);
    static final int L2 = Source.cache(Source.L2, 0, 0);

    Agents agents;
    int pe0, pe1, host, vmm, vm1, vm2, dma;
    CoherenceOracle oracle;

    @BeforeEach
    void setUp() {
        agents = new Agents();
        pe0 = agents.register(Agents.Kind.PE, "PE0", 0);
        pe1 = agents.register(Agents.Kind.PE, "PE1", 0);
        host = agents.register(Agents.Kind.HOST_KERNEL, "host", 0);
        vmm = agents.register(Agents.Kind.VMM, "VMM", 0);
        vm1 = agents.register(Agents.Kind.VCPU, "VM1.vCPU0", 1);
        vm2 = agents.register(Agents.Kind.VCPU, "VM2.vCPU0", 2);
        dma = agents.register(Agents.Kind.DEVICE, "dma0", 0);
        oracle = new CoherenceOracle(agents, 64);
    }

    @Test
    void read_afterWriteOfSameValue_noViolation() {
        oracle.onWrite(1, 1, vmm, AccessKind.STORE, PA, 8, Attrs.HOST_WB, 0x1122334455667788L, 0);
        oracle.onRead(2, 1, vmm, AccessKind.LOAD, PA, 8, Attrs.HOST_WB, 0x1122334455667788L, 0, Source.cache(Source.L1D, 1, LineState.DIRTY));
        oracle.onRead(3, 0, vm1, AccessKind.LOAD, PA + 2, 2, Attrs.HOST_WB, 0x5566L, 0, Source.RAM);
        assertThat(oracle.violated()).isFalse();
        assertThat(oracle.readsChecked()).isEqualTo(2);
        assertThat(oracle.bytesChecked()).isEqualTo(10);
        assertThat(oracle.writesSeen()).isEqualTo(1);
        assertThat(oracle.summary()).contains("no violation");
    }

    @Test
    void read_neverWrittenZero_noViolation_nonZero_violationAgainstInitialContents() {
        oracle.onRead(1, 0, pe0, AccessKind.LOAD, PA, 4, Attrs.NC, 0, 0, Source.RAM);
        assertThat(oracle.violated()).isFalse();
        assertThat(oracle.pagesAllocated()).isZero();
        oracle.onRead(2, 0, pe0, AccessKind.LOAD, PA, 4, Attrs.NC, 0x100, 0, Source.RAM);
        Violation v = oracle.first();
        assertThat(v).isNotNull();
        assertThat(v.mismatchPa()).isEqualTo(PA + 1);
        assertThat(v.expectedWriter().origin()).isEqualTo(WriteRef.Origin.INITIAL);
        assertThat(v.mechanism()).isEqualTo(Mechanism.UNEXPLAINED);
    }

    @Test
    void read_learnUnwritten_firstReadDefinesValue() {
        oracle.learnUnwritten(true);
        oracle.onRead(1, 0, pe0, AccessKind.LOAD, PA, 4, Attrs.NC, 0xdeadbeefL, 0, Source.RAM);
        oracle.onRead(2, 1, pe1, AccessKind.LOAD, PA, 4, Attrs.HOST_WB, 0xdeadbeefL, 0, Source.RAM);
        assertThat(oracle.violated()).isFalse();
        oracle.onRead(3, 1, pe1, AccessKind.LOAD, PA, 1, Attrs.HOST_WB, 0x00, 0, Source.RAM);
        assertThat(oracle.violationCount()).isEqualTo(1);
        assertThat(oracle.first().expected()).isEqualTo(0xefL);
    }

    @Test
    void seed_romContents_readsCompareAgainstSeed() {
        oracle.seed(0x1000, new byte[] {0x14, 0x00, 0x00, 0x00});
        oracle.onRead(1, 0, pe0, AccessKind.FETCH, 0x1000, 4, Attrs.NC, 0x14, 0, Source.ROM);
        assertThat(oracle.violated()).isFalse();
        oracle.onRead(2, 0, pe0, AccessKind.FETCH, 0x1000, 4, Attrs.NC, 0x15, 0, Source.ROM);
        assertThat(oracle.violated()).isTrue();
        assertThat(oracle.first().expected()).isEqualTo(0x14L);
    }

    @Test
    void ncRead_afterCacheableWriteStillDirty_notCleanedToPoC() {
        oracle.onLine(10, LineEvent.FILL, L1D_PE1, PA, LineState.INVALID, LineState.CLEAN, LineEvent.CAUSE_DEMAND, vmm);
        oracle.onLine(11, LineEvent.UPDATE, L1D_PE1, PA, LineState.CLEAN, LineState.DIRTY, LineEvent.CAUSE_DEMAND, vmm);
        oracle.onWrite(12, 1, vmm, AccessKind.STORE, PA, 8, Attrs.HOST_WB, 0x1122334455667788L, 0);
        oracle.onRead(13, 0, vm1, AccessKind.LOAD, PA, 8, Attrs.DEVICE_nGnRnE, 0, 0, Source.RAM);

        assertThat(oracle.violationCount()).isEqualTo(1);
        Violation v = oracle.first();
        assertThat(v.verdict()).isEqualTo(Verdict.STALE);
        assertThat(v.seen()).isZero();
        assertThat(v.expected()).isEqualTo(0x1122334455667788L);
        assertThat(v.readerName()).isEqualTo("VM1.vCPU0");
        assertThat(v.readerDomain()).isEqualTo(1);
        assertThat(v.expectedWriter().agentName()).isEqualTo("VMM");
        assertThat(v.expectedWriter().seq()).isEqualTo(12);
        assertThat(v.seenWriter().origin()).isEqualTo(WriteRef.Origin.INITIAL);
        assertThat(v.source()).isEqualTo(Source.RAM);
        assertThat(v.mechanism()).isEqualTo(Mechanism.NOT_CLEANED_TO_POC);
        assertThat(v.explanation()).isEqualTo(
                "cacheable write by VMM at seq 12 not cleaned to PoC before a non-cacheable read (its line is still dirty in PE1.L1D)");
        assertThat(v.oneLine()).isEqualTo("STALE load by VM1.vCPU0 pa=0x40000000 (8 bytes, Device OSH) at seq 13: saw 0x0 from RAM "
                + "(initial contents), expected 0x1122334455667788 (VMM at seq 12): cacheable write by VMM at seq 12 not cleaned "
                + "to PoC before a non-cacheable read (its line is still dirty in PE1.L1D)");
        assertThat(v.detailed().split("\n")).hasSize(10);
        assertThat(v.detailed()).contains("reader    VM1.vCPU0 (agent 4, domain 1)")
                .contains("seen      0x0 from RAM")
                .contains("            = initial contents\n")
                .contains("written by VMM (agent 3, domain 0) at seq 12: store, Normal-WB ISH, via PE1")
                .contains("differs   first at pa 0x40000000")
                .endsWith("line      PE1.L1D: dirty; filled (demand) at seq 10; last: update (demand) at seq 11");
    }

    @Test
    void writeHitOnDirtyLine_updateEvent_leavesTheLineRecordAsTheEventThatMadeItDirty() {
        oracle.onLine(10, LineEvent.FILL, L1D_PE1, PA, LineState.INVALID, LineState.CLEAN, LineEvent.CAUSE_DEMAND, vmm);
        oracle.onLine(11, LineEvent.UPDATE, L1D_PE1, PA, LineState.CLEAN, LineState.DIRTY, LineEvent.CAUSE_DEMAND, vmm);
        oracle.onWrite(12, 1, vmm, AccessKind.STORE, PA, 8, Attrs.HOST_WB, 1, 0);
        oracle.onLine(13, LineEvent.UPDATE, L1D_PE1, PA, LineState.DIRTY, LineState.DIRTY, LineEvent.CAUSE_DEMAND, vmm);
        oracle.onWrite(14, 1, vmm, AccessKind.STORE, PA, 8, Attrs.HOST_WB, 0x1122334455667788L, 0);
        oracle.onRead(15, 0, vm1, AccessKind.LOAD, PA, 8, Attrs.DEVICE_nGnRnE, 1, 0, Source.RAM);

        assertThat(oracle.lineEvents()).isEqualTo(3); // counted, though the D -> D update is not kept
        Violation v = oracle.first();
        assertThat(v.mechanism()).isEqualTo(Mechanism.NOT_CLEANED_TO_POC);
        assertThat(v.seenWriter().seq()).isEqualTo(12); // the overwritten value is still attributed (history)
        assertThat(v.detailed()).endsWith("line      PE1.L1D: dirty; filled (demand) at seq 10; last: update (demand) at seq 11");
    }

    @Test
    void ncRead_afterCleanToPoUOnly_cleanedToPoUOnly() {
        oracle.onLine(1, LineEvent.UPDATE, L1D_PE1, PA, LineState.INVALID, LineState.DIRTY, LineEvent.CAUSE_DEMAND, vmm);
        oracle.onWrite(2, 1, vmm, AccessKind.STORE, PA, 4, Attrs.HOST_WB, 0xcafe, 0);
        oracle.onMaintenance(3, 1, vmm, Maintenance.DC_CVAU, PA);
        oracle.onLine(4, LineEvent.WRITEBACK, L1D_PE1, PA, LineState.DIRTY, LineState.DIRTY, LineEvent.CAUSE_MAINTENANCE, vmm);
        oracle.onLine(5, LineEvent.CLEAN, L1D_PE1, PA, LineState.DIRTY, LineState.CLEAN, LineEvent.CAUSE_MAINTENANCE, vmm);
        oracle.onLine(6, LineEvent.UPDATE, L2, PA, LineState.INVALID, LineState.DIRTY, LineEvent.CAUSE_MAINTENANCE, vmm);
        oracle.onRead(7, 0, vm1, AccessKind.LOAD, PA, 4, Attrs.NC, 0, 0, Source.RAM);
        Violation v = oracle.first();
        assertThat(v.mechanism()).isEqualTo(Mechanism.CLEANED_TO_POU_ONLY);
        assertThat(v.explanation()).isEqualTo("cacheable write by VMM at seq 2 was cleaned only to PoU (DC CVAU by VMM at seq 3), "
                + "not to PoC, before a non-cacheable read (its line is still dirty in L2)");
    }

    @Test
    void ncRead_afterCleanToPoC_noViolation() {
        oracle.onWrite(2, 1, vmm, AccessKind.STORE, PA, 4, Attrs.HOST_WB, 0xcafe, 0);
        oracle.onMaintenance(3, 1, vmm, Maintenance.DC_CVAC, PA);
        oracle.onRead(7, 0, vm1, AccessKind.LOAD, PA, 4, Attrs.NC, 0xcafe, 0, Source.RAM);
        assertThat(oracle.violated()).isFalse();
        assertThat(oracle.maintenanceOps()).isEqualTo(1);
    }

    @Test
    void ncRead_afterDirtyLineInvalidated_dirtyDataDiscarded() {
        oracle.onLine(1, LineEvent.UPDATE, L1D_PE0, PA, LineState.CLEAN, LineState.DIRTY, LineEvent.CAUSE_DEMAND, pe0);
        oracle.onWrite(2, 0, pe0, AccessKind.STORE, PA, 1, Attrs.HOST_WB, 0x5a, 0);
        oracle.onMaintenance(3, 0, pe0, Maintenance.DC_IVAC, PA);
        oracle.onLine(4, LineEvent.INVALIDATE, L1D_PE0, PA, LineState.DIRTY, LineState.INVALID, LineEvent.CAUSE_MAINTENANCE, pe0);
        oracle.onRead(5, 0, pe0, AccessKind.LOAD, PA, 1, Attrs.NC, 0, 0, Source.RAM);
        assertThat(oracle.first().mechanism()).isEqualTo(Mechanism.DIRTY_DATA_DISCARDED);
        assertThat(oracle.first().explanation()).startsWith("dirty data of the cacheable write by PE0 at seq 2 dropped from PE0.L1D");
    }

    @Test
    void ncRead_afterDirtyWritebackOverNewerNcWrite_writebackOverNewerWrite() {
        oracle.onLine(2, LineEvent.UPDATE, L1D_PE1, PA, LineState.CLEAN, LineState.DIRTY, LineEvent.CAUSE_DEMAND, host);
        oracle.onWrite(3, 1, host, AccessKind.STORE, PA, 8, Attrs.HOST_WB, 0, 0);
        oracle.onWrite(15, 0, vm1, AccessKind.STORE, PA, 8, Attrs.DEVICE_nGnRnE, 0x42, 0);
        oracle.onLine(20, LineEvent.WRITEBACK, L1D_PE1, PA, LineState.DIRTY, LineState.DIRTY, LineEvent.CAUSE_ADVERSARY, host);
        oracle.onLine(21, LineEvent.EVICT, L1D_PE1, PA, LineState.DIRTY, LineState.INVALID, LineEvent.CAUSE_ADVERSARY, host);
        oracle.onLine(25, LineEvent.WRITEBACK, L2, PA, LineState.DIRTY, LineState.DIRTY, LineEvent.CAUSE_REPLACEMENT, host);
        oracle.onRead(30, 0, vm1, AccessKind.LOAD, PA, 8, Attrs.DEVICE_nGnRnE, 0, 0, Source.RAM);
        Violation v = oracle.first();
        assertThat(v.verdict()).isEqualTo(Verdict.STALE); // host data seen by a guest: stale, not a leak
        assertThat(v.seenWriter().agentName()).isEqualTo("host");
        assertThat(v.seenWriter().seq()).isEqualTo(3);
        assertThat(v.mechanism()).isEqualTo(Mechanism.WRITEBACK_OVER_NEWER_WRITE);
        assertThat(v.explanation()).isEqualTo("dirty line from PE1.L1D (written by host at seq 3) written back by eviction "
                + "(adversary) at seq 20 and from L2 to RAM by eviction (replacement) at seq 25 over the non-cacheable write "
                + "by VM1.vCPU0 at seq 15 (the line was not cleaned and invalidated to PoC before the non-cacheable write)");
    }

    @Test
    void cacheableRead_hitsCleanLineFilledBeforeNcWrite_staleCleanLine() {
        oracle.onLine(7, LineEvent.FILL, L1D_PE1, PA, LineState.INVALID, LineState.CLEAN, LineEvent.CAUSE_SPECULATIVE, 99);
        oracle.onWrite(9, 0, pe0, AccessKind.STORE, PA, 4, Attrs.NC, 0x77, 0);
        oracle.onRead(11, 1, pe1, AccessKind.LOAD, PA, 4, Attrs.HOST_WB, 0, 0, Source.cache(Source.L1D, 1, LineState.CLEAN));
        Violation v = oracle.first();
        assertThat(v.mechanism()).isEqualTo(Mechanism.STALE_CLEAN_LINE);
        assertThat(v.explanation()).isEqualTo(
                "stale clean line in PE1.L1D (speculative fill at seq 7) not invalidated after the non-cacheable write by PE0 at seq 9");
        assertThat(v.oneLine()).contains("from PE1.L1D (clean line)");
    }

    @Test
    void cacheableRead_hitsDirtyLineHidingNcWrite_staleDirtyLine() {
        oracle.onLine(1, LineEvent.UPDATE, L1D_PE1, PA, LineState.INVALID, LineState.DIRTY, LineEvent.CAUSE_DEMAND, host);
        oracle.onWrite(2, 1, host, AccessKind.STORE, PA, 4, Attrs.HOST_WB, 0, 0);
        oracle.onWrite(3, -1, dma, AccessKind.DMA_WRITE, PA, 4, Attrs.NC, 0x99, 0);
        oracle.onRead(4, 1, host, AccessKind.LOAD, PA, 4, Attrs.HOST_WB, 0, 0, Source.cache(Source.L1D, 1, LineState.DIRTY));
        assertThat(oracle.first().mechanism()).isEqualTo(Mechanism.STALE_DIRTY_LINE);
        assertThat(oracle.first().explanation()).contains("hides the DMA write by dma0 at seq 3");
        assertThat(oracle.first().expectedWriter().pe()).isEqualTo(-1);
    }

    @Test
    void fetch_fromICacheLineFilledBeforeWrite_staleICacheLine() {
        oracle.onLine(1, LineEvent.FILL, L1I_PE0, PA, LineState.INVALID, LineState.CLEAN, LineEvent.CAUSE_DEMAND, pe0);
        oracle.onWrite(2, 0, pe0, AccessKind.STORE, PA, 4, Attrs.NC, 0xd503201fL, 0);
        oracle.onRead(3, 0, pe0, AccessKind.FETCH, PA, 4, Attrs.NC, 0, 0, Source.cache(Source.L1I, 0, LineState.CLEAN));
        assertThat(oracle.first().mechanism()).isEqualTo(Mechanism.STALE_ICACHE_LINE);
        assertThat(oracle.first().explanation()).isEqualTo("stale line in PE0.L1I (demand fill at seq 1) not invalidated "
                + "(IC IVAU / IC IALLU) after the non-cacheable write by PE0 at seq 2");
    }

    @Test
    void fetch_fromICacheFilledFromL2WhileDCacheDirty_fetchNotCleanedToPoU() {
        oracle.onLine(1, LineEvent.UPDATE, L1D_PE0, PA, LineState.INVALID, LineState.DIRTY, LineEvent.CAUSE_DEMAND, pe0);
        oracle.onWrite(2, 0, pe0, AccessKind.STORE, PA, 4, Attrs.HOST_WB, 0xd503201fL, 0);
        oracle.onLine(3, LineEvent.FILL, L1I_PE0, PA, LineState.INVALID, LineState.CLEAN, LineEvent.CAUSE_DEMAND, pe0);
        oracle.onRead(4, 0, pe0, AccessKind.FETCH, PA, 4, Attrs.HOST_WB, 0, 0, Source.cache(Source.L1I, 0, LineState.CLEAN));
        assertThat(oracle.first().mechanism()).isEqualTo(Mechanism.FETCH_NOT_CLEANED_TO_POU);
        assertThat(oracle.first().explanation()).isEqualTo("line in PE0.L1I filled at seq 3 from below the PoU while the "
                + "cacheable write by PE0 at seq 2 was still in a D-cache (its line is still dirty in PE0.L1D): D-cache not cleaned to PoU (no DC CVAU before the fetch)");
    }

    @Test
    void ncRead_afterSetWayOnOtherPe_notesSetWayScope() {
        oracle.onLine(1, LineEvent.UPDATE, L1D_PE1, PA, LineState.INVALID, LineState.DIRTY, LineEvent.CAUSE_DEMAND, vm1);
        oracle.onWrite(2, 1, vm1, AccessKind.STORE, PA, 4, Attrs.HOST_WB, 0x1234, 0);
        oracle.onMaintenance(3, 0, vm1, Maintenance.DC_CISW, 0);
        oracle.onRead(4, 0, vm1, AccessKind.LOAD, PA, 4, Attrs.NC, 0, 0, Source.RAM);
        assertThat(oracle.first().mechanism()).isEqualTo(Mechanism.NOT_CLEANED_TO_POC);
        assertThat(oracle.first().explanation()).endsWith("(its line is still dirty in PE1.L1D); DC CISW by VM1.vCPU0 on PE0 at "
                + "seq 3 operates only on PE0's caches");
    }

    @Test
    void staleRead_ofValueWrittenByOtherDomain_isLeak() {
        oracle.onWrite(1, 1, vm1, AccessKind.STORE, PA, 8, Attrs.NC, 0x5ec2e7L, 0);
        oracle.onLine(2, LineEvent.UPDATE, L1D_PE1, PA, LineState.INVALID, LineState.DIRTY, LineEvent.CAUSE_DEMAND, host);
        oracle.onWrite(3, 1, host, AccessKind.STORE, PA, 8, Attrs.HOST_WB, 0, 0);
        oracle.onRead(4, 0, vm2, AccessKind.LOAD, PA, 8, Attrs.NC, 0x5ec2e7L, 0, Source.RAM);
        Violation v = oracle.first();
        assertThat(v.verdict()).isEqualTo(Verdict.LEAK);
        assertThat(v.seenWriter().agentName()).isEqualTo("VM1.vCPU0");
        assertThat(v.seenWriter().domain()).isEqualTo(1);
        assertThat(oracle.leakCount()).isEqualTo(1);
        assertThat(v.oneLine()).startsWith("LEAK load by VM2.vCPU0");
        assertThat(oracle.summary()).contains("1 violation (0 stale, 1 leak)");
    }

    @Test
    void staleRead_ofValueWrittenBySameDomain_isStale() {
        oracle.onWrite(1, 1, vm1, AccessKind.STORE, PA, 8, Attrs.NC, 0x5ec2e7L, 0);
        oracle.onWrite(3, 1, vm1, AccessKind.STORE, PA, 8, Attrs.HOST_WB, 0, 0);
        oracle.onRead(4, 0, vm1, AccessKind.LOAD, PA, 8, Attrs.NC, 0x5ec2e7L, 0, Source.RAM);
        assertThat(oracle.first().verdict()).isEqualTo(Verdict.STALE);
        assertThat(oracle.first().seenWriter().seq()).isEqualTo(1);
    }

    @Test
    void staleRead_byGuestOfOlderHostValue_isStaleNotLeak() {
        oracle.onWrite(1, 1, host, AccessKind.STORE, PA, 8, Attrs.HOST_WB, 0, 0);
        oracle.onWrite(2, 0, vm1, AccessKind.STORE, PA, 8, Attrs.NC, 0x77, 0);
        oracle.onRead(3, 0, vm1, AccessKind.LOAD, PA, 8, Attrs.NC, 0, 0, Source.RAM);
        assertThat(oracle.first().verdict()).isEqualTo(Verdict.STALE);
        assertThat(oracle.first().seenWriter().agentName()).isEqualTo("host");
        assertThat(oracle.leakCount()).isZero();
    }

    @Test
    void seenWriter_olderThanBoundedHistory_isUnknown() {
        CoherenceOracle small = new CoherenceOracle(agents, 64, 2);
        small.onWrite(1, 0, pe0, AccessKind.STORE, PA, 1, Attrs.NC, 0x11, 0);
        small.onWrite(2, 0, pe0, AccessKind.STORE, PA, 1, Attrs.NC, 0x22, 0);
        small.onWrite(3, 0, pe0, AccessKind.STORE, PA, 1, Attrs.NC, 0x33, 0);
        small.onRead(4, 0, pe0, AccessKind.LOAD, PA, 1, Attrs.NC, 0x11, 0, Source.RAM);
        small.onRead(5, 0, pe0, AccessKind.LOAD, PA, 1, Attrs.NC, 0x22, 0, Source.RAM);
        assertThat(small.violations()).hasSize(2);
        assertThat(small.violations().get(0).seenWriter().origin()).isEqualTo(WriteRef.Origin.UNKNOWN);
        assertThat(small.violations().get(1).seenWriter().seq()).isEqualTo(2);
    }

    @Test
    void mmioRead_isNotCompared() {
        oracle.onWrite(1, 0, pe0, AccessKind.STORE, 0x0900_0000L, 4, Attrs.DEVICE_nGnRnE, 0x41, 0);
        oracle.onRead(2, 0, pe0, AccessKind.LOAD, 0x0900_0000L, 4, Attrs.DEVICE_nGnRnE, 0x90, 0, Source.MMIO);
        assertThat(oracle.violated()).isFalse();
        assertThat(oracle.mmioReadsSkipped()).isEqualTo(1);
        assertThat(oracle.readsChecked()).isZero();
    }

    @Test
    void ignoredRange_flashCommandsAndStatusReads_notTracked() {
        oracle.ignoreRange(0x0, 0x0400_0000L);
        oracle.seed(0x100, new byte[] {1, 2, 3, 4});
        oracle.onWrite(1, 0, pe0, AccessKind.STORE, 0x100, 1, Attrs.DEVICE_nGnRnE, 0x98, 0); // a CFI command
        oracle.onRead(2, 0, pe0, AccessKind.LOAD, 0x100, 1, Attrs.DEVICE_nGnRnE, 0x51, 0, Source.ROM);
        assertThat(oracle.violated()).isFalse();
        assertThat(oracle.writesSeen()).isZero();
        assertThat(oracle.readsChecked()).isZero();
        oracle.onWrite(3, 0, pe0, AccessKind.STORE, PA, 1, Attrs.NC, 0x11, 0); // outside: still tracked
        oracle.onRead(4, 0, pe0, AccessKind.LOAD, PA, 1, Attrs.NC, 0x12, 0, Source.RAM);
        assertThat(oracle.violationCount()).isEqualTo(1);
    }

    @Test
    void cacheableRead_afterDirtyLineInvalidated_olderL2Copy_dirtyDataDiscarded() {
        oracle.onLine(1, LineEvent.FILL, L2, PA, LineState.INVALID, LineState.CLEAN, LineEvent.CAUSE_DEMAND, pe0);
        oracle.onLine(2, LineEvent.FILL, L1D_PE0, PA, LineState.INVALID, LineState.CLEAN, LineEvent.CAUSE_DEMAND, pe0);
        oracle.onLine(3, LineEvent.UPDATE, L1D_PE0, PA, LineState.CLEAN, LineState.DIRTY, LineEvent.CAUSE_DEMAND, pe0);
        oracle.onWrite(4, 0, pe0, AccessKind.STORE, PA, 1, Attrs.HOST_WB, 0x5a, 0);
        oracle.onLine(5, LineEvent.INVALIDATE, L1D_PE0, PA, LineState.DIRTY, LineState.INVALID, LineEvent.CAUSE_ADVERSARY, 99);
        oracle.onRead(6, 0, pe0, AccessKind.LOAD, PA, 1, Attrs.HOST_WB, 0, 0, Source.cache(Source.L2, 0, LineState.CLEAN));
        assertThat(oracle.first().mechanism()).isEqualTo(Mechanism.DIRTY_DATA_DISCARDED);
        assertThat(oracle.first().explanation()).endsWith("the read then got an older copy from L2");
    }

    @Test
    void stopAtFirst_afterFirstViolation_flagRaisedAndLaterReadsNotChecked() {
        oracle.mode(CoherenceOracle.Mode.STOP_AT_FIRST);
        oracle.onWrite(1, 0, pe0, AccessKind.STORE, PA, 1, Attrs.NC, 0x11, 0);
        oracle.onRead(2, 0, pe0, AccessKind.LOAD, PA, 1, Attrs.NC, 0x00, 0, Source.RAM);
        oracle.onRead(3, 0, pe0, AccessKind.LOAD, PA, 1, Attrs.NC, 0x00, 0, Source.RAM);
        assertThat(oracle.violated()).isTrue();
        assertThat(oracle.violationCount()).isEqualTo(1);
        assertThat(oracle.readsChecked()).isEqualTo(1);
        assertThat(oracle.summary()).contains("stopped at the first");
    }

    @Test
    void recordAll_beyondMaxRecorded_countsButDoesNotKeep() {
        oracle.maxRecorded(2);
        oracle.onWrite(1, 0, pe0, AccessKind.STORE, PA, 1, Attrs.NC, 0x11, 0);
        for (int i = 0; i < 5; i++) oracle.onRead(2 + i, 0, pe0, AccessKind.LOAD, PA, 1, Attrs.NC, 0, 0, Source.RAM);
        assertThat(oracle.violationCount()).isEqualTo(5);
        assertThat(oracle.violations()).hasSize(2);
        assertThat(oracle.summary()).contains("3 more not recorded");
    }

    @Test
    void readerContext_suppliedOnViolation_appearsInRenderings_andFailureIsContained() {
        oracle.readerContext((agent, pe, seq) -> "vCPU0 pc=0x40001234");
        oracle.onWrite(1, 0, pe0, AccessKind.STORE, PA, 1, Attrs.NC, 0x11, 0);
        oracle.onRead(2, 0, vm1, AccessKind.LOAD, PA, 1, Attrs.NC, 0, 0, Source.RAM);
        assertThat(oracle.first().readerContext()).isEqualTo("vCPU0 pc=0x40001234");
        assertThat(oracle.first().oneLine()).startsWith("STALE load by VM1.vCPU0 [vCPU0 pc=0x40001234] pa=0x40000000");
        assertThat(oracle.first().detailed()).contains("[vCPU0 pc=0x40001234]");

        oracle.readerContext((agent, pe, seq) -> { throw new IllegalStateException("boom"); });
        oracle.onRead(3, 0, vm1, AccessKind.LOAD, PA, 1, Attrs.NC, 0, 0, Source.RAM);
        assertThat(oracle.violations().get(1).readerContext()).contains("boom");
    }

    @Test
    void read16_mismatchInHighHalf_reportsByteAndBothHalves() {
        oracle.onWrite(1, 0, pe0, AccessKind.STORE, PA, 16, Attrs.NC, 0x0706050403020100L, 0x0f0e0d0c0b0a0908L);
        oracle.onRead(2, 0, pe0, AccessKind.LOAD, PA, 16, Attrs.NC, 0x0706050403020100L, 0x0f0e0d0c0b0aFF08L, Source.RAM);
        Violation v = oracle.first();
        assertThat(v.mismatchPa()).isEqualTo(PA + 9);
        assertThat(v.expectedHi()).isEqualTo(0x0f0e0d0c0b0a0908L);
        assertThat(v.oneLine()).contains("saw 0x0f0e0d0c0b0aff08_0706050403020100");
    }

    @Test
    void read_crossingPageBoundary_comparesBothPages() {
        long pa = 0x4000_0FFCL;
        oracle.onWrite(1, 0, pe0, AccessKind.STORE, pa, 8, Attrs.NC, 0x8877665544332211L, 0);
        oracle.onRead(2, 0, pe0, AccessKind.LOAD, pa, 8, Attrs.NC, 0x8877665544332211L, 0, Source.RAM);
        assertThat(oracle.violated()).isFalse();
        assertThat(oracle.pagesAllocated()).isEqualTo(2);
        oracle.onRead(3, 0, pe0, AccessKind.LOAD, pa, 8, Attrs.NC, 0x0077665544332211L, 0, Source.RAM);
        assertThat(oracle.first().mismatchPa()).isEqualTo(pa + 7);
    }

    @Test
    void constructor_badLineSize_rejected() {
        assertThatThrownBy(() -> new CoherenceOracle(agents, 48)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("48");
        assertThatThrownBy(() -> new CoherenceOracle(agents, 64, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("history depth");
    }

    /** A whole line of zeros (DC ZVA, reported as one 64-byte ZERO write): every byte, 16..63 included. */
    @Test
    void zeroLineWrite_setsAllBytes_andIsAttributedAsSeenAndAsExpectedWriter() {
        // The VMM stores 0x11.. over the line, then the host zeroes it (one 64-byte ZERO write at seq 10).
        for (int i = 0; i < 64; i += 8) {
            oracle.onWrite(1 + i / 8, -1, vmm, AccessKind.STORE, PA + i, 8, Attrs.NC, 0x1111_1111_1111_1111L, 0);
        }
        oracle.onWrite(10, 0, host, AccessKind.ZERO, PA, 64, Attrs.HOST_WB, 0, 0);
        assertThat(oracle.writesSeen()).isEqualTo(9);
        for (int i = 0; i < 64; i++) assertThat(oracle.expectedByte(PA + i)).as("byte %d", i).isZero();
        // Zeros read back anywhere in the line: no violation.
        oracle.onRead(14, 0, vm1, AccessKind.LOAD, PA + 56, 8, Attrs.HOST_WB, 0, 0, Source.RAM);
        assertThat(oracle.violated()).isFalse();

        // A read of byte 40 that still returns the VMM's old value: stale, expected = the host's ZERO write.
        oracle.onRead(15, 1, vm1, AccessKind.LOAD, PA + 40, 8, Attrs.HOST_WB, 0x1111_1111_1111_1111L, 0, Source.RAM);
        Violation v = oracle.first();
        assertThat(v).isNotNull();
        assertThat(v.mismatchPa()).isEqualTo(PA + 40);
        assertThat(v.expectedWriter().agentName()).isEqualTo("host");
        assertThat(v.expectedWriter().seq()).isEqualTo(10);
        assertThat(v.expectedWriter().kind()).isEqualTo(AccessKind.ZERO);
        assertThat(v.seenWriter().agentName()).isEqualTo("VMM");
        assertThat(v.seenWriter().seq()).isEqualTo(6); // the store of PA + 40
    }

    @Test
    void zeroLineWrite_seenAsTheOldValue_isAttributedToTheZeroWrite() {
        // The host zeroes the line (seq 10), then the guest stores 0x77.. at byte 48 (seq 20, past the
        // 16 bytes a ZERO write's lo/hi would hold); a read there returning zeros saw the ZERO write.
        oracle.onWrite(10, 0, host, AccessKind.ZERO, PA, 64, Attrs.HOST_WB, 0, 0);
        oracle.onWrite(20, 1, vm1, AccessKind.STORE, PA + 48, 8, Attrs.NC, 0x7777_7777_7777_7777L, 0);
        oracle.onRead(21, 1, vm1, AccessKind.LOAD, PA + 48, 8, Attrs.NC, 0, 0, Source.RAM);
        Violation v = oracle.first();
        assertThat(v).isNotNull();
        assertThat(v.mismatchPa()).isEqualTo(PA + 48);
        assertThat(v.seenWriter().origin()).isEqualTo(WriteRef.Origin.WRITE);
        assertThat(v.seenWriter().agentName()).isEqualTo("host");
        assertThat(v.seenWriter().seq()).isEqualTo(10);
        assertThat(v.seenWriter().kind()).isEqualTo(AccessKind.ZERO);
        assertThat(v.expectedWriter().agentName()).isEqualTo("VM1.vCPU0");
        assertThat(v.expectedWriter().seq()).isEqualTo(20);
    }
}
