package org.cachevisor.bench;

import java.util.concurrent.TimeUnit;
import org.cachevisor.machine.Pe;
import org.cachevisor.machine.RunStatus;
import org.cachevisor.machine.SysRegs;
import org.cachevisor.machine.mmu.TableBuilder;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Interpreter throughput, in guest instructions per second (one JMH "op" = one instruction), on one PE:
 * an integer loop and a load/store loop, with the caches modelled (identity map, Normal Write-Back:
 * every fetch goes through the L1I model, every load and store through the L1D) and with the data-side
 * cache model off (SCTLR_EL1.M = 1, C = 0: data accesses Normal Non-cacheable, straight to RAM; fetch
 * Write-Through through the L1I). Targets: 150 M/s with caches, 200 M/s without.
 *
 * <p>The programs are int constants produced by aarch64-linux-gnu-as (source in the comments), so
 * the build does not need GNU as.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar CpuBench -f 1 -wi 3 -i 3 -w 2 -r 2}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class CpuBench {
    /** Instructions per benchmark invocation. */
    static final int N = 1_000_000;

    /*
     * intloop:                       memloop:
     *   add  x1, x1, x2   8b020021     ldr  x3, [x1]          f9400023
     *   eor  x3, x3, x1   ca010063     add  x3, x3, x0        8b000063
     *   add  x2, x2, #3   91000c42     str  x3, [x1], #8      f8008423
     *   lsl  x4, x1, #3   d37df024     ldrb w4, [x1, #3]      39400c24
     *   orr  x5, x5, x4   aa0400a5     add  x6, x6, x4        8b0400c6
     *   subs x0, x0, #1   f1000400     and  x1, x1, x5        8a050021
     *   b.ne intloop      54ffff41     subs x0, x0, #1        f1000400
     *   brk  #0           d4200000     b.ne memloop           54ffff21
     *                                  brk  #0                d4200000
     */
    static final int[] INT_LOOP = {0x8b020021, 0xca010063, 0x91000c42, 0xd37df024, 0xaa0400a5, 0xf1000400, 0x54ffff41, 0xd4200000};
    static final int[] MEM_LOOP = {0xf9400023, 0x8b000063, 0xf8008423, 0x39400c24, 0x8b0400c6, 0x8a050021, 0xf1000400, 0x54ffff21, 0xd4200000};

    static final long CODE_PA = 0x1000, BUFFER_PA = 0x10_0000;

    @Param({"int", "mem"})
    public String program;

    @Param({"wb", "nc"})
    public String caches;

    private Pe pe;

    @Setup
    public void setup() {
        pe = newPe(program.equals("int") ? INT_LOOP : MEM_LOOP, caches.equals("wb"));
    }

    /** A PE at EL1 about to run {@code code} at {@link #CODE_PA}, with x0 = a huge loop count. */
    static Pe newPe(int[] code, boolean cachesModelled) {
        // caches modelled: flat identity regime, Normal WB; off: stage 1 on with SCTLR_EL1.C = 0 (data NC)
        return cachesModelled ? newPe(code, false, true) : newPe(code, true, false);
    }

    /**
     * A PE at EL1 about to run {@code code} at {@link #CODE_PA}: with {@code stage1}, identity 4 KiB pages
     * (Normal WB) from tables at 15 MiB and SCTLR_EL1.M and I set, C as {@code dataCacheable} says;
     * without, the flat identity regime (Normal WB). Shared with {@link MmuCpuBench}.
     */
    static Pe newPe(int[] code, boolean stage1, boolean dataCacheable) {
        MemorySystem mem = new MemorySystem(MemConfig.defaults().withPeCount(1));
        mem.map().addRam("ram", 0, 16L << 20);
        for (int i = 0; i < code.length; i++) mem.ramPoke(CODE_PA + 4L * i, 4, code[i] & 0xFFFF_FFFFL);
        Pe pe = new Pe(0, mem);
        pe.reset(CODE_PA);
        if (stage1) {
            TableBuilder b = new TableBuilder(mem, -1, 0, Attrs.NC, 15L << 20, 1L << 20);
            b.mapPages(0, 0, 8L << 20, (long) TableBuilder.ATTR_WB << 2 | TableBuilder.SH_ISH | TableBuilder.AF
                    | TableBuilder.AP_EL1_RW | TableBuilder.UXN);
            pe.writeSysReg(SysRegs.TCR_EL1, TableBuilder.TCR_EL1_48BIT);
            pe.writeSysReg(SysRegs.MAIR_EL1, TableBuilder.MAIR_EL1);
            pe.writeSysReg(SysRegs.TTBR0_EL1, b.root());
            pe.writeSysReg(SysRegs.SCTLR_EL1, Pe.SCTLR_EL1_RESET | Pe.SCTLR_M | Pe.SCTLR_I
                    | (dataCacheable ? Pe.SCTLR_C : 0));
        } else {
            pe.setRegime(Pe.REGIME_FLAT_WB);
        }
        pe.setX(0, Long.MAX_VALUE);
        pe.setX(1, BUFFER_PA);
        pe.setX(2, 1);
        pe.setX(5, BUFFER_PA | 0xFF8);
        return pe;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public RunStatus run() {
        return pe.run(N);
    }

    /** Quick measurement without JMH: {@code java -cp benchmarks.jar org.cachevisor.bench.CpuBench}. */
    public static void main(String[] args) {
        long total = args.length > 0 ? Long.parseLong(args[0]) : 300_000_000L;
        for (String p : new String[] {"int", "mem"}) {
            for (boolean wb : new boolean[] {true, false}) {
                Pe pe = newPe(p.equals("int") ? INT_LOOP : MEM_LOOP, wb);
                pe.run(total / 5); // warm-up
                long t0 = System.nanoTime();
                pe.run(total);
                long dt = System.nanoTime() - t0;
                System.out.printf("%s %s: %.1f M instructions/s%n", p, wb ? "wb" : "nc", total * 1e3 / dt);
            }
        }
    }
}
