package org.cachevisor.bench;

import java.util.concurrent.TimeUnit;
import org.cachevisor.machine.mmu.Mmu;
import org.cachevisor.machine.mmu.Tlb;
import org.cachevisor.machine.mmu.TranslationContext;
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
 * The MMU's per-access cost, single-threaded: {@link Mmu#translate} with stage 1 off (micro-TLB of
 * identity pages), with stage 1 on and 4 KiB pages hitting the micro-TLB, hitting only the main
 * TLB (more pages than the micro-TLB holds), and an L1D-hit load with and without translation
 * (the pair the 1.3x target is about). Scores are translations (or loads) per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class MmuBench {
    static final long RAM = 0x4000_0000L;
    static final long VA_BASE = 0x0000_0055_0000_0000L;
    static final long TABLES = RAM + (64L << 20);
    static final int OPS = 1024;

    MemorySystem ms;
    Mmu off, on;
    long[] microVas, mainVas, loadVas, loadPas;
    long next = TABLES;

    @Setup
    public void setup() {
        ms = new MemorySystem(MemConfig.defaults());
        ms.map().addRam("ram", RAM, 1L << 30);
        off = new Mmu(ms, 0, new Tlb(), null);
        TranslationContext c = new TranslationContext();
        c.sctlrEl1 = 0x00C5_0078L | 1 << 12; // M = 0, I = 1
        off.setContext(c);

        on = new Mmu(ms, 0, new Tlb(), null);
        long root = table();
        for (int p = 0; p < 512; p++) map(root, VA_BASE + p * 4096L, RAM + p * 4096L);
        TranslationContext s = new TranslationContext();
        s.sctlrEl1 = 0x00C5_0078L | 1 | 1 << 2 | 1 << 12;
        s.tcrEl1 = 16L | 0b01L << 8 | 0b01L << 10 | 0b11L << 12 | 16L << 16 | 0b101L << 32;
        s.mairEl1 = 0xFFL;
        s.ttbr0El1 = root | 1L << 48;
        on.setContext(s);

        microVas = new long[OPS];
        mainVas = new long[OPS];
        loadVas = new long[OPS];
        loadPas = new long[OPS];
        for (int i = 0; i < OPS; i++) {
            microVas[i] = VA_BASE + (i % 32) * 4096L + (i * 72L & 0xFF8);      // 32 pages: micro-TLB hits
            mainVas[i] = VA_BASE + (i * 67L % 512) * 4096L + (i * 8L & 0xFF8); // 512 pages: micro misses
            loadVas[i] = VA_BASE + ((i * 264L) % 8192 & ~7L);                  // 8 KiB: L1D hits
            loadPas[i] = RAM + ((i * 264L) % 8192 & ~7L);
        }
        for (int i = 0; i < 8192; i += 8) ms.write(0, 0, AccessKind.STORE, RAM + i, 8, Attrs.HOST_WB, i);
    }

    private long table() {
        long pa = next;
        next += 4096;
        return pa;
    }

    private void map(long root, long va, long pa) {
        long t = root;
        for (int level = 0; level < 3; level++) {
            long descPa = t + 8 * ((va >>> (39 - 9 * level)) & 511);
            long d = ms.ramPeek(descPa, 8);
            if ((d & 3) != 3) {
                long n = table();
                ms.ramPoke(descPa, 8, n | 3);
                t = n;
            } else {
                t = d & 0xFFFF_FFFF_F000L;
            }
        }
        ms.ramPoke(t + 8 * ((va >>> 12) & 511), 8, pa | 3 | 3 << 2 | 3 << 8 | 1 << 10);
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long translateStage1Off() {
        long sum = 0;
        for (long va : loadPas) sum += off.translate(va, Mmu.LOAD, 1);
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long translateMicroTlbHit() {
        long sum = 0;
        for (long va : microVas) sum += on.translate(va, Mmu.LOAD, 1);
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long translateMainTlbHit() {
        long sum = 0;
        for (long va : mainVas) sum += on.translate(va, Mmu.LOAD, 1);
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long loadWithoutTranslation() {
        long sum = 0;
        for (long pa : loadPas) sum += ms.read(0, 0, AccessKind.LOAD, pa, 8, Attrs.HOST_WB);
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long loadThroughStage1() {
        long sum = 0;
        Mmu m = on;
        for (long va : loadVas) {
            long pa = m.translate(va, Mmu.LOAD, 1);
            sum += ms.read(0, 0, AccessKind.LOAD, pa, 8, m.attrs());
        }
        return sum;
    }
}
