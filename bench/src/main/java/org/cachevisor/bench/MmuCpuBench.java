package org.cachevisor.bench;

import java.util.concurrent.TimeUnit;
import org.cachevisor.machine.Pe;
import org.cachevisor.machine.RunStatus;
import org.cachevisor.machine.mmu.TableBuilder;
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

    /** A PE at EL1 about to run {@code code}, flat regime or stage 1 with identity 4 KiB pages (Normal WB). */
    static Pe newPe(int[] code, boolean stage1) {
        return CpuBench.newPe(code, stage1, true);
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
