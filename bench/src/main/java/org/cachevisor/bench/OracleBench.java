package org.cachevisor.bench;

import java.util.concurrent.TimeUnit;
import org.cachevisor.memsys.AccessKind;
import org.cachevisor.memsys.Attrs;
import org.cachevisor.memsys.Maintenance;
import org.cachevisor.memsys.MemConfig;
import org.cachevisor.memsys.MemorySystem;
import org.cachevisor.oracle.CoherenceOracle;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The coherence oracle's cost on the memory system's paths, single-threaded, adversary off: the
 * accesses of {@link MemsysBench} (cacheable 8-byte loads and stores hitting PE0's L1D, fetches
 * hitting its L1I) and a stream of Write-Back 8-byte stores over 4 MiB (every
 * eighth store misses: a line fill from RAM into the L2 and the L1D, evictions and write-backs of
 * dirty victims: what a host zeroing pages does). {@code observer} = {@code oracle} attaches a
 * {@link CoherenceOracle} (every access then takes the memory system's observed path and is checked),
 * {@code none} runs the same memory system unobserved. Scores are accesses per second.
 *
 * <p>Two patterns of U-Boot's boot under kvm-2014 (see docs/performance.md, "U-Boot time to prompt"):
 * {@link #delayLoopStore4}, the 4-byte store of its delay loop ({@code gd->arch.tbl}: the same word of
 * a dirty line, rewritten with a new value), and {@link #zeroedPageMemset}, a stage-2 fault's page
 * (host DC ZVA over the page, DC CVAU and IC IVAU of its lines) then a memset of the page in 8-byte
 * stores, per page. The launcher runs the JIT's C1 alone: measure these with
 * {@code -jvmArgsAppend -XX:TieredStopAtLevel=1}. The page range wraps after 64 MiB, so after the
 * first pass they measure the events' work without the oracle's first-touch allocation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class OracleBench {
    static final long RAM = 0x4000_0000L;
    static final int OPS = 1024;
    static final int SPAN = 8192; // 8 KiB: fits the 16 KiB L1D and L1I
    /** The store stream's range: 16 times the L2 (steady state: the oracle's tables are allocated in the first pass). */
    static final long STREAM_PA = RAM + 0x0100_0000L;
    static final long STREAM_SPAN = 4L << 20;

    @Param({"oracle", "none"})
    public String observer;

    MemorySystem ms;
    CoherenceOracle oracle;
    long[] pas;
    long streamOff;

    @Setup
    public void setup() {
        ms = new MemorySystem(MemConfig.defaults());
        ms.map().addRam("ram", RAM, 1L << 30);
        if (observer.equals("oracle")) {
            oracle = new CoherenceOracle(ms.agents(), ms.config().lineSize());
            ms.addObserver(oracle);
        }
        pas = new long[OPS];
        for (int i = 0; i < OPS; i++) pas[i] = RAM + ((i * 264L) % SPAN & ~7L); // strided, 8-byte aligned
        for (int i = 0; i < SPAN; i += 8) ms.write(0, 0, AccessKind.STORE, RAM + i, 8, Attrs.HOST_WB, i);
        // Clean to the PoU (the L2) before fetching, as code loaders must, so the fetches are coherent.
        int line = ms.config().lineSize();
        for (int i = 0; i < SPAN; i += line) ms.dcCleanPoU(0, 0, RAM + i);
        for (int i = 0; i < SPAN; i += 8) {
            ms.write(0, 0, AccessKind.STORE, RAM + i, 8, Attrs.HOST_WB, i); // lines DIRTY in PE0's L1D
            ms.fetch32(0, 0, RAM + i, Attrs.HOST_WB);
        }
        if (oracle != null && oracle.violated()) throw new IllegalStateException(oracle.summary());
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long l1HitLoad8() {
        MemorySystem m = ms;
        long[] p = pas;
        long sum = 0;
        for (int i = 0; i < OPS; i++) sum += m.read(0, 0, AccessKind.LOAD, p[i], 8, Attrs.HOST_WB);
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public void l1HitStore8() {
        MemorySystem m = ms;
        long[] p = pas;
        for (int i = 0; i < OPS; i++) m.write(0, 0, AccessKind.STORE, p[i], 8, Attrs.HOST_WB, i);
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public int l1HitFetch() {
        MemorySystem m = ms;
        long[] p = pas;
        int sum = 0;
        for (int i = 0; i < OPS; i++) sum += m.fetch32(0, 0, p[i] & ~3L, Attrs.HOST_WB);
        return sum;
    }

    /** 8-byte Write-Back stores, sequential over 4 MiB (wrapping): a line fill every eighth store. */
    @Benchmark
    @OperationsPerInvocation(OPS)
    public void streamStore8() {
        MemorySystem m = ms;
        long off = streamOff;
        for (int i = 0; i < OPS; i++) {
            m.write(0, 0, AccessKind.STORE, STREAM_PA + off, 8, Attrs.HOST_WB, off);
            off += 8;
            if (off == STREAM_SPAN) off = 0;
        }
        streamOff = off;
    }

    /** U-Boot's delay-loop store: a 4-byte Write-Back store, same address, dirty L1D hit, new value. */
    @Benchmark
    @OperationsPerInvocation(OPS)
    public void delayLoopStore4() {
        MemorySystem m = ms;
        long pa = RAM + 348; // a word at offset 4 of its doubleword, as gd->arch.tbl
        for (int i = 0; i < OPS; i++) {
            if (!m.tryWrite(0, 0, pa, 4, Attrs.HOST_WB, i)) m.write(0, 0, AccessKind.STORE, pa, 4, Attrs.HOST_WB, i);
        }
    }

    static final long PAGES_PA = RAM + 0x0800_0000L;
    static final long PAGES_SPAN = 64L << 20;
    long pageOff;

    /** One faulted page per operation: DC ZVA, DC CVAU and IC IVAU over it, then 512 8-byte zero stores. */
    @Benchmark
    public void zeroedPageMemset() {
        MemorySystem m = ms;
        long pa = PAGES_PA + pageOff;
        pageOff = (pageOff + 4096) % PAGES_SPAN;
        m.dcZeroRange(0, 0, pa, 4096, Attrs.HOST_WB);
        m.maintainRange(0, 0, Maintenance.DC_CVAU, pa, 4096);
        m.maintainRange(0, 0, Maintenance.IC_IVAU, pa, 4096);
        for (int off = 0; off < 4096; off += 8) {
            if (!m.tryWrite(0, 0, pa + off, 8, Attrs.HOST_WB, 0)) m.write(0, 0, AccessKind.STORE, pa + off, 8, Attrs.HOST_WB, 0);
        }
    }

    /** Fails the run if the oracle found a stale read (the accesses above are all coherent). */
    @org.openjdk.jmh.annotations.TearDown
    public void check() {
        if (oracle != null && oracle.violated()) throw new IllegalStateException(oracle.summary());
    }
}
