package org.cachevisor.bench;

import java.util.concurrent.TimeUnit;
import org.cachevisor.memsys.AccessKind;
import org.cachevisor.memsys.Attrs;
import org.cachevisor.memsys.MemConfig;
import org.cachevisor.memsys.MemorySystem;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The memory system's hot paths, single-threaded: cacheable 8-byte loads and stores that hit the
 * PE's L1D, and 32-bit instruction fetches that hit the L1I, with no observer and the adversary off;
 * and the same accesses Non-cacheable (straight to RAM pages already written, the RAM page memo's
 * fast path: what a guest with SCTLR_EL1.C = 0 or the MMU off does). Scores are operations (loads,
 * stores, fetches) per second. Target: >= 100 million L1-hit loads/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class MemsysBench {
    static final long RAM = 0x4000_0000L;
    static final int OPS = 1024;
    static final int SPAN = 8192; // 8 KiB: fits the 16 KiB L1D and L1I

    /** Where the Non-cacheable benchmarks access: 64 KiB above the cacheable span (same pattern). */
    static final long NC_OFFSET = 0x1_0000;

    MemorySystem ms;
    long[] pas;
    long[] ncPas;

    @Setup
    public void setup() {
        ms = new MemorySystem(MemConfig.defaults());
        ms.map().addRam("ram", RAM, 1L << 30);
        pas = new long[OPS];
        ncPas = new long[OPS];
        for (int i = 0; i < OPS; i++) {
            pas[i] = RAM + ((i * 264L) % SPAN & ~7L); // strided, 8-byte aligned
            ncPas[i] = pas[i] + NC_OFFSET;
        }
        for (int i = 0; i < SPAN; i += 8) {
            ms.write(0, 0, AccessKind.STORE, RAM + i, 8, Attrs.HOST_WB, i); // lines DIRTY in PE0's L1D
            ms.fetch32(0, 0, RAM + i, Attrs.HOST_WB);
            ms.write(0, 0, AccessKind.STORE, RAM + NC_OFFSET + i, 8, Attrs.NC, i); // RAM pages allocated
        }
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
    public int l1iHitFetch32() {
        MemorySystem m = ms;
        long[] p = pas;
        int x = 0;
        for (int i = 0; i < OPS; i++) x ^= m.fetch32(0, 0, p[i], Attrs.HOST_WB);
        return x;
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long ncLoad8() {
        MemorySystem m = ms;
        long[] p = ncPas;
        long sum = 0;
        for (int i = 0; i < OPS; i++) sum += m.read(0, 0, AccessKind.LOAD, p[i], 8, Attrs.NC);
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public void ncStore8() {
        MemorySystem m = ms;
        long[] p = ncPas;
        for (int i = 0; i < OPS; i++) m.write(0, 0, AccessKind.STORE, p[i], 8, Attrs.NC, i);
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public int ncFetch32() {
        MemorySystem m = ms;
        long[] p = ncPas;
        int x = 0;
        for (int i = 0; i < OPS; i++) x ^= m.fetch32(0, 0, p[i], Attrs.NC);
        return x;
    }
}
