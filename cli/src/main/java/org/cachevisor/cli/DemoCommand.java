package org.cachevisor.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.cachevisor.memsys.AccessKind;
import org.cachevisor.memsys.Agents;
import org.cachevisor.memsys.Attrs;
import org.cachevisor.memsys.MemConfig;
import org.cachevisor.memsys.MemorySystem;
import org.cachevisor.oracle.CoherenceOracle;
import org.cachevisor.oracle.Violation;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cachevisor demo}: the smallest story of what Cachevisor is for, in a few printed lines.
 *
 * <p>Act 1: the VMM (running on PE1) writes a word into guest RAM through its cacheable mapping
 * (Normal Write-Back, as QEMU does under KVM); the data sits dirty in PE1's L1D. A guest vCPU (VM 1,
 * on PE0) with its caches off (SCTLR_EL1.M = 0: Device-nGnRnE) reads the word from RAM, the PoC, and
 * gets the old value; the coherence oracle reports the stale read, one line and in detail.
 * Act 2: the same, but the VMM cleans and invalidates the line to the PoC (DC CIVAC) after writing:
 * the guest reads the new value and the oracle reports nothing.
 *
 * <p>Each act runs on a fresh machine: default {@link MemConfig}, 16 MiB of RAM at 0x4000_0000.
 * With {@code --seed}, the adversary adds seeded random speculative fills and evictions over all of RAM
 * (the host's linear map covers it); the printed verdicts are then whatever the oracle saw (an
 * eviction may, by chance, write the VMM's data back before the guest reads it).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Show a stale read: a VMM's cacheable write that a guest with caches off cannot see, "
                + "then the same with DC CIVAC.")
public final class DemoCommand implements Callable<Integer> {
    static final long RAM_PA = 0x4000_0000L;
    static final long RAM_SIZE = 16L << 20;
    static final long PA = RAM_PA + 0x1000;
    static final long VALUE = 0x00000000cafef00dL;

    @Option(names = "--seed", paramLabel = "SEED",
            description = "Turn on the adversary (random speculative fills and evictions) with this seed.")
    Long seed;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        MemConfig config = MemConfig.defaults();
        out.printf("Cachevisor demo: %d PEs, L1D %dx%d, L1I %dx%d, L2 %dx%d, %d-byte lines; RAM %d MiB at 0x%x (the PoC)%s%n",
                config.peCount(), config.l1d().sets(), config.l1d().ways(), config.l1i().sets(), config.l1i().ways(),
                config.l2().sets(), config.l2().ways(), config.lineSize(), RAM_SIZE >> 20, RAM_PA,
                seed == null ? "" : "; adversary on, seed " + seed);
        out.println();
        out.println("Act 1: the VMM writes guest memory through its cacheable mapping, no maintenance");
        act(out, config, false);
        out.println();
        out.println("Act 2: the same, and the VMM cleans+invalidates the line to the PoC (DC CIVAC) after writing");
        act(out, config, true);
        out.flush();
        return 0;
    }

    private void act(PrintWriter out, MemConfig config, boolean civac) {
        MemorySystem ms = new MemorySystem(config);
        ms.map().addRam("ram", RAM_PA, RAM_SIZE);
        Agents agents = ms.agents();
        int vmm = agents.register(Agents.Kind.VMM, "VMM", Agents.HOST_DOMAIN);
        int vcpu = agents.register(Agents.Kind.VCPU, "VM1.vCPU0", 1);
        CoherenceOracle oracle = new CoherenceOracle(agents, config.lineSize());
        ms.addObserver(oracle);
        if (seed != null) {
            ms.adversary().declareCacheable(RAM_PA, RAM_PA + RAM_SIZE);
            ms.adversary().setSeed(seed);
            ms.adversary().setRates(0.2, 0.2);
        }
        final int vmmPe = 1;
        final int guestPe = 0;
        ms.write(vmmPe, vmm, AccessKind.STORE, PA, 8, Attrs.HOST_WB, VALUE);
        out.printf("  VMM on PE%d writes 0x%x to pa 0x%x (%s)%n", vmmPe, VALUE, PA, Attrs.describe(Attrs.HOST_WB));
        if (civac) {
            ms.dcCleanInvalidatePoC(vmmPe, vmm, PA);
            out.printf("  VMM on PE%d: DC CIVAC pa 0x%x%n", vmmPe, PA);
        }
        long seen = ms.read(guestPe, vcpu, AccessKind.LOAD, PA, 8, Attrs.DEVICE_nGnRnE);
        out.printf("  VM1.vCPU0 on PE%d, caches off (%s), reads pa 0x%x: 0x%x%s%n", guestPe,
                Attrs.describe(Attrs.DEVICE_nGnRnE), PA, seen,
                seen == VALUE ? "  (the value the VMM wrote)" : String.format("  STALE: the VMM wrote 0x%x", VALUE));
        if (oracle.violated()) {
            Violation v = oracle.first();
            out.println("  oracle: " + v.oneLine());
            for (String line : v.detailed().split("\n")) out.println("    " + line);
        } else {
            out.printf("  oracle: no violation (%s checked, %s seen)%n", plural(oracle.readsChecked(), "read"),
                    plural(oracle.writesSeen(), "write"));
        }
    }

    private static String plural(long n, String noun) { return n + " " + noun + (n == 1 ? "" : "s"); }
}
