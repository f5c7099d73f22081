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
 * The CPU benchmark's two loops (see {@link CpuBench}) with the MMU off (the flat Write-Back regime:
 * identity, no translation) and with stage 1 on: identity-mapped 4 KiB pages, Normal Write-Back, from
 * tables built in simulated RAM by {@link TableBuilder}, SCTLR_EL1.M = C = I = 1. The target:
 * "s1" within 1.3x of "flat". Scores are instructions per second.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar MmuCpuBench}, or without JMH
 * {@code java -cp bench/target/benchmarks.jar org.cachevisor.bench.MmuCpuBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class MmuCpuBench {
    static final int N = 1_000_000;

    @Param({"int", "mem"})
    public String program;

    @Param({"flat", "s1"})
    public String translation;

    private Pe pe;

    @Setup
    public void setup() {
        pe = newPe(program.equals("int") ? CpuBench.INT_LOOP : CpuBench.MEM_LOOP, translation.equals("s1"));
    }

    /** A PE at EL1 about to run {@code code}, flat regime or stage 1 with identity 4 KiB pages. */
    static Pe newPe(int[] code, boolean stage1) {
        MemorySystem mem = new MemorySystem(MemConfig.defaults().withPeCount(1));
        mem.map().addRam("ram", 0, 16L << 20);
        for (int i = 0; i < code.length; i++) mem.ramPoke(CpuBench.CODE_PA + 4L * i, 4, code[i] & 0xFFFF_FFFFL);
        Pe pe = new Pe(0, mem);
        pe.reset(CpuBench.CODE_PA);
        if (stage1) {
            TableBuilder b = new TableBuilder(mem, -1, 0, Attrs.NC, 15L << 20, 1L << 20);
            b.mapPages(0, 0, 8L << 20, (long) TableBuilder.ATTR_WB << 2 | TableBuilder.SH_ISH | TableBuilder.AF
                    | TableBuilder.AP_EL1_RW | TableBuilder.UXN);
            pe.writeSysReg(SysRegs.TCR_EL1, TableBuilder.TCR_EL1_48BIT);
            pe.writeSysReg(SysRegs.MAIR_EL1, TableBuilder.MAIR_EL1);
            pe.writeSysReg(SysRegs.TTBR0_EL1, b.root());
            pe.writeSysReg(SysRegs.SCTLR_EL1, Pe.SCTLR_EL1_RESET | Pe.SCTLR_M | Pe.SCTLR_C | Pe.SCTLR_I);
        } else {
            pe.setRegime(Pe.REGIME_FLAT_WB);
        }
        pe.setX(0, Long.MAX_VALUE);
        pe.setX(1, CpuBench.BUFFER_PA);
        pe.setX(2, 1);
        pe.setX(5, CpuBench.BUFFER_PA | 0xFF8);
        return pe;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public RunStatus run() {
        return pe.run(N);
    }

    /** Quick measurement without JMH (best of 5 runs of {@code args[0]} instructions, default 100 M). */
    public static void main(String[] args) {
        long total = args.length > 0 ? Long.parseLong(args[0]) : 100_000_000L;
        for (String p : new String[] {"int", "mem"}) {
            for (boolean s1 : new boolean[] {false, true}) {
                Pe pe = newPe(p.equals("int") ? CpuBench.INT_LOOP : CpuBench.MEM_LOOP, s1);
                pe.run(total / 5); // warm-up
                long best = Long.MAX_VALUE;
                for (int k = 0; k < 5; k++) {
                    long t0 = System.nanoTime();
                    pe.run(total);
                    best = Math.min(best, System.nanoTime() - t0);
                }
                System.out.printf("%s %s: %.1f M instructions/s%n", p, s1 ? "s1" : "flat", total * 1e3 / best);
            }
        }
    }
}
