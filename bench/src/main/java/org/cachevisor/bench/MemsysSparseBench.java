package org.cachevisor.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.cachevisor.memsys.AccessKind;
import org.cachevisor.memsys.AddressMap;
import org.cachevisor.memsys.Attrs;
import org.cachevisor.memsys.MemConfig;
import org.cachevisor.memsys.MemorySystem;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Sparse physical memory: a 4 GiB RAM region of which 64 MiB is written (every byte, through the
 * bulk non-cacheable path, as a loader would), in a JVM limited to {@code -Xmx100m}: the fork fails
 * with OutOfMemoryError if the retained heap does not fit. The setup also prints the heap used after
 * a full GC ({@code Runtime.totalMemory() - freeMemory()} after {@code System.gc()}) and the pages
 * allocated. The benchmark itself reads random 8-byte words all over the 4 GiB (mostly untouched
 * pages, which must read as zero without allocating).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 2, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx100m"})
public class MemsysSparseBench {
    static final long RAM = 0x1_0000_0000L;
    static final long SIZE = 4L << 30;
    static final long TOUCHED = 64L << 20;
    static final int OPS = 1024;

    MemorySystem ms;
    AddressMap.Region ram;
    long[] pas;

    @Setup(Level.Trial)
    public void setup() {
        ms = new MemorySystem(MemConfig.defaults());
        ram = ms.map().addRam("ram", RAM, SIZE);
        byte[] chunk = new byte[1 << 20];
        for (int i = 0; i < chunk.length; i++) chunk[i] = (byte) (i * 31 + 7);
        // 64 MiB spread over the space: 64 blocks of 1 MiB, 64 MiB apart.
        for (long b = 0; b < TOUCHED >>> 20; b++) {
            ms.writeBytes(-1, 0, RAM + b * (64L << 20), chunk, 0, chunk.length, Attrs.NC);
        }
        chunk = null;
        SplittableRandom r = new SplittableRandom(1);
        pas = new long[OPS];
        for (int i = 0; i < OPS; i++) pas[i] = RAM + (r.nextLong(SIZE) & ~7L);
        report("after touching 64 MiB");
    }

    @TearDown(Level.Trial)
    public void tearDown() { report("after the benchmark"); }

    private void report(String when) {
        for (int i = 0; i < 3; i++) System.gc();
        Runtime rt = Runtime.getRuntime();
        long used = rt.totalMemory() - rt.freeMemory();
        System.out.printf("%n[MemsysSparseBench] %s: heap used after GC = %.1f MiB (max %.0f MiB), pages allocated = %d (%.1f MiB)%n",
                when, used / 1048576.0, rt.maxMemory() / 1048576.0, ram.pagesAllocated(), ram.pagesAllocated() * 4096 / 1048576.0);
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long sparseRandomRead8() {
        long sum = 0;
        for (int i = 0; i < OPS; i++) sum += ms.read(-1, 0, AccessKind.LOAD, pas[i], 8, Attrs.NC);
        return sum;
    }
}
