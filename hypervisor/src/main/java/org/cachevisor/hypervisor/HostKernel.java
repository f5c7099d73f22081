package org.cachevisor.hypervisor;

import org.cachevisor.memsys.AccessKind;
import org.cachevisor.memsys.Agents;
import org.cachevisor.memsys.Attrs;
import org.cachevisor.memsys.CacheGeometry;
import org.cachevisor.memsys.Maintenance;
import org.cachevisor.memsys.MemorySystem;

/**
 * What the host kernel (with KVM in it) does to memory, always through its <b>cacheable linear
 * mapping</b> (Normal Write-Back, Inner Shareable: {@link Attrs#HOST_WB}) and always on a named
 * physical PE, so that its cache footprint (e.g. the dirty zero lines of a freshly cleared page)
 * really sits in that PE's caches. Every access and maintenance operation is made by the
 * "host-kernel" agent and counted in {@link Costs}.
 *
 * <p>Simplification: KVM issues DC/IC by VA on the linear-map address, line by line over
 * {@code CTR_EL0.DminLine} ({@code __flush_dcache_area}, {@code __clean_dcache_area_pou},
 * {@code __flush_icache_range}); we issue the same operations by the host PA of each line, without a
 * host stage-1 translation. The linear map is a fixed offset from the PA, so the same lines of the
 * same caches are affected and the oracle sees the same maintenance.
 */
public final class HostKernel {

    private final MemorySystem mem;
    private final int agent;
    private final int lineSize;
    private final Costs costs;

    /** Registers the "host-kernel" agent in {@code mem} (host security domain). */
    public HostKernel(MemorySystem mem, Costs costs) {
        if (mem == null || costs == null) throw new IllegalArgumentException("memory system and costs must not be null");
        this.mem = mem;
        this.costs = costs;
        this.agent = mem.agents().register(Agents.Kind.HOST_KERNEL, "host-kernel", Agents.HOST_DOMAIN);
        this.lineSize = mem.config().lineSize();
    }

    public MemorySystem memory() { return mem; }

    /** The host kernel's agent id. */
    public int agent() { return agent; }

    public int lineSize() { return lineSize; }

    public Costs costs() { return costs; }

    private void checkPe(int pe) {
        if (pe < 0 || pe >= mem.config().peCount()) {
            throw new IllegalArgumentException("host work on PE " + pe + ": outside 0.." + (mem.config().peCount() - 1));
        }
    }

    /**
     * clear_page(): zeroes {@code size} bytes (a multiple of 4 KiB) at {@code pa} through the linear map on
     * {@code pe}, as arm64 Linux does (arch/arm64/lib/clear_page.S): a loop of DC ZVA, which leaves the
     * page's lines dirty zeros in that PE's L1D without reading the old contents.
     */
    public void zero(int pe, long pa, long size) {
        checkPe(pe);
        for (long off = 0; off < size; off += HostPageAllocator.PAGE_SIZE) {
            // One DC ZVA per block of the page, in order (MemorySystem.dcZeroRange: the same as a dcZeroBlock loop).
            mem.dcZeroRange(pe, agent, pa + off, HostPageAllocator.PAGE_SIZE, Attrs.HOST_WB);
            costs.pageZeroed(HostPageAllocator.PAGE_SIZE / lineSize);
        }
    }

    /** copy from a page through the linear map (swap-out's read). */
    public void read(int pe, long pa, byte[] dst, int off, int len) {
        checkPe(pe);
        mem.readBytes(pe, agent, pa, dst, off, len, Attrs.HOST_WB);
        costs.linesCopied((len + lineSize - 1) / lineSize);
    }

    /** copy into a page through the linear map (swap-in's write). */
    public void write(int pe, long pa, byte[] src, int off, int len) {
        checkPe(pe);
        mem.writeBytes(pe, agent, pa, src, off, len, Attrs.HOST_WB);
        costs.linesCopied((len + lineSize - 1) / lineSize);
    }

    /** A 64-bit read through the linear map (stage-2 descriptors). */
    public long read64(int pe, long pa) {
        return mem.read(pe, agent, AccessKind.LOAD, pa, 8, Attrs.HOST_WB);
    }

    /** A 64-bit write through the linear map (stage-2 descriptors). */
    public void write64(int pe, long pa, long value) {
        mem.write(pe, agent, AccessKind.STORE, pa, 8, Attrs.HOST_WB, value);
    }

    /** DC CIVAC over {@code [pa, pa + size)}: clean and invalidate to the PoC (KVM's __flush_dcache_area). */
    public void cleanInvalidatePoC(int pe, long pa, long size) {
        byVa(pe, pa, size, Maintenance.DC_CIVAC, Costs.Cmo.DC_CIVAC);
    }

    /** DC CVAC over the range: clean to the PoC. */
    public void cleanPoC(int pe, long pa, long size) {
        byVa(pe, pa, size, Maintenance.DC_CVAC, Costs.Cmo.DC_CVAC);
    }

    /** DC CVAU over the range: clean to the PoU. */
    public void cleanPoU(int pe, long pa, long size) {
        byVa(pe, pa, size, Maintenance.DC_CVAU, Costs.Cmo.DC_CVAU);
    }

    /** IC IVAU over the range (every PE's I-cache). */
    public void icInvalidate(int pe, long pa, long size) {
        byVa(pe, pa, size, Maintenance.IC_IVAU, Costs.Cmo.IC_IVAU);
    }

    /** One maintenance operation by address per line of {@code [pa, pa + size)}, counted in the costs. */
    private void byVa(int pe, long pa, long size, int op, Costs.Cmo cmo) {
        checkPe(pe);
        long startPa = pa & -(long) lineSize;
        // The lines of [startPa, pa + size), one operation each, in order (MemorySystem.maintainRange).
        long lines = pa + size > startPa ? mem.maintainRange(pe, agent, op, startPa, pa + size - startPa) : 0;
        costs.cmo(cmo, lines);
    }

    /** IC IALLUIS: every PE's I-cache. */
    public void icInvalidateAll(int pe) {
        checkPe(pe);
        mem.icInvalidateAll(pe, agent, true);
        costs.cmo(Costs.Cmo.IC_IALLU, 1);
    }

    /**
     * One DC ISW/CSW/CISW ({@link Maintenance} op) on {@code pe}'s caches, as the hypervisor runs a
     * trapped one. An operand outside the geometry is ignored (the architecture leaves it
     * CONSTRAINED UNPREDICTABLE; doing nothing is one of the allowed outcomes).
     */
    public void setWay(int pe, int op, long operand) {
        checkPe(pe);
        try {
            mem.dcSetWay(pe, agent, op, operand);
        } catch (IllegalArgumentException badOperand) {
            // CONSTRAINED UNPREDICTABLE operand: no effect (see the method comment).
        }
        costs.cmo(Costs.Cmo.DC_SET_WAY, 1);
    }

    /**
     * flush_cache_all() on {@code pe}: DC CISW over every set and way of its L1D and of the L2, the way
     * Linux's {@code __flush_dcache_all} walks CLIDR_EL1/CCSIDR_EL1.
     */
    public void flushCacheAll(int pe) {
        checkPe(pe);
        int lineShift = Integer.numberOfTrailingZeros(lineSize);
        long lines = 0;
        for (int level = 1; level <= 2; level++) {
            CacheGeometry g = mem.config().geometry(level, false);
            int wayBits = g.wayBits();
            for (int way = 0; way < g.ways(); way++) {
                for (int set = 0; set < g.sets(); set++) {
                    long operand = (wayBits == 0 ? 0 : (long) way << (32 - wayBits)) | ((long) set << lineShift)
                            | ((long) (level - 1) << 1);
                    mem.dcSetWay(pe, agent, Maintenance.DC_CISW, operand);
                    lines++;
                }
            }
        }
        costs.cmo(Costs.Cmo.DC_SET_WAY, lines);
    }
}
