package org.cachevisor.vmm.run;

import java.io.ByteArrayOutputStream;
import java.util.function.LongSupplier;
import org.cachevisor.hypervisor.BareMetal;
import org.cachevisor.hypervisor.KvmHypervisor;
import org.cachevisor.hypervisor.KvmVm;
import org.cachevisor.hypervisor.Policies;
import org.cachevisor.hypervisor.api.Hypervisor;
import org.cachevisor.machine.Platform;
import org.cachevisor.memsys.MemConfig;
import org.cachevisor.memsys.MemorySystem;
import org.cachevisor.oracle.CoherenceOracle;
import org.cachevisor.vmm.board.VirtBoard;

/**
 * Test-only composition (what the cli's composition root does for {@code cachevisor run}): a machine with
 * the coherence oracle attached before anything happens, and one of the two implementations of the
 * hypervisor API on it. The vmm's main code never sees these types (ModuleBoundaryTest).
 */
final class TestHosts {
    /** Host RAM of the KVM model: far from the guest's IPAs, so that a PA in a report is visibly a host PA. */
    static final long HOST_PA = 0x80_0000_0000L, HOST_SIZE = 256L << 20;

    /** One host: the hypervisor, its machine, the oracle, the guest's console. */
    record Host(Hypervisor hypervisor, MemorySystem mem, Platform platform, CoherenceOracle oracle, ByteArrayOutputStream console) {
        /** Instructions retired by every PE (the run loop's budget counter). */
        LongSupplier retired() {
            return () -> {
                long n = 0;
                for (int i = 0; i < platform.peCount(); i++) n += platform.pe(i).instructionCount();
                return n;
            };
        }

        String output() { return console.toString(java.nio.charset.StandardCharsets.ISO_8859_1); }

        VirtMachine boot(VirtBoard board, BootImage image) {
            return VirtMachine.create(hypervisor, board, image, console::write);
        }

        RunLoop.Result run(VirtMachine m, long maxInstructions) {
            return new RunLoop(m, 1000, retired(), null).run(maxInstructions);
        }

        /** KVM only: cleans+invalidates the host pages backing {@code [ipa, ipa + len)} to the PoC (a test harness step). */
        void cleanToPoc(VirtMachine m, long ipa, long len) {
            KvmHypervisor kvm = (KvmHypervisor) hypervisor;
            KvmVm vm = (KvmVm) m.vm();
            for (long pageIpa = ipa & -4096L; pageIpa < ipa + len; pageIpa += 4096) {
                kvm.host().cleanInvalidatePoC(kvm.vmmPe(), vm.backingPa(pageIpa), 4096);
            }
        }
    }

    private TestHosts() {}

    private static MemorySystem memory(int pes) {
        return new MemorySystem(MemConfig.defaults().withPeCount(Math.max(2, pes)));
    }

    private static CoherenceOracle attach(MemorySystem mem) {
        CoherenceOracle oracle = new CoherenceOracle(mem.agents(), mem.config().lineSize());
        mem.addObserver(oracle);
        return oracle;
    }

    /** The KVM model with policy {@code none}. */
    static Host kvmNone(int pes) {
        MemorySystem mem = memory(pes);
        mem.map().addRam("host", HOST_PA, HOST_SIZE);
        CoherenceOracle oracle = attach(mem);
        Platform platform = new Platform(mem);
        return new Host(new KvmHypervisor(platform, HOST_PA, HOST_SIZE, Policies.NONE), mem, platform, oracle, new ByteArrayOutputStream());
    }

    /** Bare metal (IPA = PA, the loader cleans to the PoC). */
    static Host bare(int pes) {
        MemorySystem mem = memory(pes);
        CoherenceOracle oracle = attach(mem);
        Platform platform = new Platform(mem);
        return new Host(new BareMetal(platform), mem, platform, oracle, new ByteArrayOutputStream());
    }
}
