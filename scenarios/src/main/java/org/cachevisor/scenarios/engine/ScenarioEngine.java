package org.cachevisor.scenarios.engine;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cachevisor.hypervisor.BareMetal;
import org.cachevisor.hypervisor.KvmHypervisor;
import org.cachevisor.hypervisor.KvmVm;
import org.cachevisor.hypervisor.Policies;
import org.cachevisor.hypervisor.Policy;
import org.cachevisor.hypervisor.api.Hypervisor;
import org.cachevisor.hypervisor.api.MpState;
import org.cachevisor.hypervisor.api.Vcpu;
import org.cachevisor.hypervisor.api.VcpuExit;
import org.cachevisor.isa.text.Program;
import org.cachevisor.machine.Platform;
import org.cachevisor.memsys.Adversary;
import org.cachevisor.memsys.MemConfig;
import org.cachevisor.memsys.MemorySystem;
import org.cachevisor.oracle.CoherenceOracle;
import org.cachevisor.oracle.Violation;
import org.cachevisor.scenarios.GuestPrograms;
import org.cachevisor.scenarios.Scenario;
import org.cachevisor.scenarios.Scenarios;
import org.cachevisor.vmm.MmioBus;
import org.cachevisor.vmm.board.VirtBoard;
import org.cachevisor.vmm.loader.Placement;
import org.cachevisor.vmm.run.BootImage;
import org.cachevisor.vmm.run.VirtMachine;

/**
 * The scenario engine: runs one scenario of {@link Scenarios} (its guest programs, real AArch64 code) on
 * the simulated machine under one cache-maintenance policy of the KVM model, or bare (no hypervisor),
 * with the {@link CoherenceOracle} attached before anything is written, and performs the host-side
 * actions of {@code guests/README.md} ("before boot", and at each checkpoint the guest signals by a
 * 32-bit store to {@link #MARKER_IPA}).
 *
 * <h2>Modes</h2>
 * <ul>
 *   <li><b>Directed</b> (seed 0, directed on): the host actions happen at their checkpoints and nothing
 *   else disturbs the caches; the run is a pure function of (scenario, policy).</li>
 *   <li><b>Explore</b> (seed &gt; 0): the memory system's seeded {@link Adversary} adds random speculative
 *   fills and evictions ({@link #FILL_RATE}, {@link #EVICT_RATE} per access) from the first guest
 *   instruction on. Under KVM the whole host RAM is declared cacheable (the host's linear map maps all of
 *   it Normal Write-Back, Arm ARM B2.4 "Caches": a location mapped cacheable by any live translation regime
 *   may be allocated at any time); bare mode declares nothing (a guest running with its MMU off maps
 *   nothing cacheable; once its identity map is on it is the only regime), so there the adversary only
 *   evicts and writes back. With {@code directed} off the scripted host actions are skipped (the
 *   host's automatic work, such as zeroing a page at a stage-2 fault, still happens).</li>
 * </ul>
 *
 * <h2>The machine of a cell</h2>
 * A memory system with {@link #PE_COUNT} PEs ({@link Policy#platformConfig}: fwb gets CTR_EL0.IDC = 1), a
 * {@link Platform}, then {@link KvmHypervisor} (host RAM at {@link #HOST_RAM_PA}) or {@link BareMetal}, a
 * virt board with {@link #GUEST_RAM} of RAM, the guest loaded as a raw image at
 * {@link GuestPrograms#IMAGE_IPA}. The vCPUs run round-robin, {@link #QUANTUM} instructions per turn.
 *
 * <h2>Host actions per scenario (directed)</h2>
 * Exactly the table of {@code guests/README.md}; in bare mode there is no host kernel, no scheduler and
 * no swap: host-kernel actions (S2/S11 speculative fills on the host's PE1, S8's migration, S11's swap)
 * are skipped and logged as such, S3's eviction (something any cache may do) is performed, the VMM's
 * write of S10 goes through the loader's view, and S9's two VMs run on two machines one after the other
 * (bare mode hosts one VM).
 *
 * <p>Thread safety: a run builds its own machine; runs on different threads share nothing but the
 * assembled guest programs (immutable).
 */
public final class ScenarioEngine {
    /** The policy name that means "no hypervisor". */
    public static final String BARE = "bare";
    /** The scenario marker register (guests/README.md, "Checkpoints"). */
    public static final long MARKER_IPA = 0x0C00_1000L;
    /** Where the KVM model's host RAM lives (as {@code cachevisor run}). */
    public static final long HOST_RAM_PA = 0x80_0000_0000L;
    /** Guest RAM: the README asks for at least 8 MiB from 0x4000_0000. */
    public static final long GUEST_RAM = 16L << 20;
    /**
     * Host RAM: guest pages are allocated at first touch, and the guests touch a few dozen pages each (two
     * VMs in S9, plus their stage-2 tables), so 2 MiB is plenty. It is kept small on purpose: explore mode
     * declares all of host RAM cacheable (the host's linear map), and a random speculative fill then picks
     * one of 32 768 lines, of which the scenarios' buffers are a fair share.
     */
    public static final long HOST_RAM = 2L << 20;
    /** PEs of the machine: the guests need at most two vCPUs, and the host needs PE1 for S2/S11. */
    public static final int PE_COUNT = 2;
    /** A vCPU's turn, in instructions. */
    public static final long QUANTUM = 2_000;
    /** Instructions a guest may retire before the engine gives up on it. */
    public static final long MAX_INSTRUCTIONS = 5_000_000;
    /**
     * Stale reads after which a guest's run is stopped: a guest that fetched stale instructions (S1 under
     * {@code none}) may never reach its end, and every later fetch is another violation.
     */
    public static final long MAX_VIOLATIONS = 1_000;
    /** Violations kept per run (all are counted). */
    public static final int MAX_RECORDED = 100;
    /** Explore mode: probability per memory access of a speculative fill and of an eviction/write-back. */
    public static final double FILL_RATE = 1.0 / 16, EVICT_RATE = 1.0 / 16;

    /**
     * Writes per line the oracle keeps to attribute a seen value (its maximum): a guest filling a buffer
     * writes every word of a line (8 writes of a 64-byte line) between the host's zeroing writes, and S9's
     * verdict (LEAK: the value seen was written by VM A) needs A's write still in the history.
     */
    public static final int HISTORY_DEPTH = 64;

    private static final Map<String, Program> PROGRAMS = new HashMap<>();

    private ScenarioEngine() {}

    /** The names a cell's policy may take: {@link #BARE} then mission.md's seven policies in column order. */
    public static List<String> policyNames() {
        List<String> names = new ArrayList<>();
        names.add(BARE);
        names.addAll(Policies.names());
        return names;
    }

    /** The assembled guest (cached: assembling is deterministic and the program is immutable). */
    static Program program(String source) {
        synchronized (PROGRAMS) {
            return PROGRAMS.computeIfAbsent(source, GuestPrograms::assemble);
        }
    }

    /** Directed mode: {@code run(scenario, policy, 0, true)}. */
    public static CellReport run(String scenarioId, String policy) {
        return run(scenarioId, policy, 0, true);
    }

    /**
     * Runs scenario {@code scenarioId} under {@code policy} ({@link #BARE} or a name of
     * {@link Policies#names()}).
     *
     * @param seed     0: no adversary; &gt; 0: the seeded random adversary (explore mode)
     * @param directed whether the scripted host actions are performed
     * @throws IllegalArgumentException for an unknown scenario or policy, a negative seed, or seed 0
     *     without directed actions (that run would be the guest alone, which is no scenario)
     */
    public static CellReport run(String scenarioId, String policy, long seed, boolean directed) {
        Scenario scenario = Scenarios.byId(scenarioId);
        Policy p = BARE.equals(policy) ? null : Policies.byName(policy);
        if (seed < 0) throw new IllegalArgumentException("seed must be >= 0 (0 = no adversary), got " + seed);
        if (seed == 0 && !directed) throw new IllegalArgumentException("a run without directed host actions needs a seed > 0 (explore mode)");
        return new Cell(scenario, p, seed, directed).run();
    }

    /** One host: memory system, oracle, platform, hypervisor. */
    private static final class Host {
        final MemorySystem mem;
        final Platform platform;
        final CoherenceOracle oracle;
        final Hypervisor hypervisor;
        final KvmHypervisor kvm;

        Host(Policy policy) {
            MemConfig base = MemConfig.defaults().withPeCount(PE_COUNT);
            this.mem = new MemorySystem(policy == null ? base : policy.platformConfig(base));
            this.platform = new Platform(mem);
            this.oracle = new CoherenceOracle(mem.agents(), mem.config().lineSize(), HISTORY_DEPTH).maxRecorded(MAX_RECORDED)
                    .readerContext((agent, pe, seq) -> pe < 0 ? null : String.format("PE%d pc=0x%x", pe, platform.pe(pe).pc()));
            mem.addObserver(oracle);
            if (policy == null) {
                this.kvm = null;
                this.hypervisor = new BareMetal(platform);
            } else {
                mem.map().addRam("host", HOST_RAM_PA, HOST_RAM);
                this.kvm = new KvmHypervisor(platform, HOST_RAM_PA, HOST_RAM, policy);
                kvm.setQuantum(QUANTUM);
                this.hypervisor = kvm;
            }
        }

        long retired() {
            long n = 0;
            for (int i = 0; i < platform.peCount(); i++) n += platform.pe(i).instructionCount();
            return n;
        }

        /** Explore mode from now on: the seeded adversary, host RAM declared cacheable under KVM. */
        void startAdversary(long seed) {
            Adversary adv = mem.adversary();
            if (kvm != null) adv.declareCacheable(HOST_RAM_PA, HOST_RAM_PA + HOST_RAM);
            adv.setSeed(seed);
            adv.setRates(FILL_RATE, EVICT_RATE);
        }
    }

    /** The state of one cell's run. */
    private static final class Cell {
        final Scenario scenario;
        final Policy policy;
        final long seed;
        final boolean directed;
        final List<String> events = new ArrayList<>();
        final List<String> stops = new ArrayList<>();
        final StringBuilder output = new StringBuilder();
        final List<Host> hosts = new ArrayList<>();
        final MmioBus.Result io = new MmioBus.Result();
        Map<String, Long> costsBefore;
        long recycledPa = -1;

        Cell(Scenario scenario, Policy policy, long seed, boolean directed) {
            this.scenario = scenario;
            this.policy = policy;
            this.seed = seed;
            this.directed = directed;
        }

        boolean bare() { return policy == null; }

        String policyName() { return bare() ? BARE : policy.name(); }

        CellReport run() {
            Host host = new Host(policy);
            hosts.add(host);
            List<Scenario.Guest> guests = scenario.guests();
            for (int g = 0; g < guests.size(); g++) {
                Scenario.Guest guest = guests.get(g);
                if (g > 0 && bare()) {
                    // bare mode hosts one VM: the next guest gets its own machine
                    host = new Host(null);
                    hosts.add(host);
                }
                runGuest(host, guest, g);
            }
            return report();
        }

        /** Boots one guest program, performs the set-up and checkpoint actions, runs it to its end. */
        private void runGuest(Host host, Scenario.Guest guest, int index) {
            Program program = program(guest.source());
            VirtBoard board = VirtBoard.create(GUEST_RAM, guest.vcpus());
            ByteArrayOutputStream console = new ByteArrayOutputStream();
            if (index > 0 && !bare()) {
                // S9: the previous VM is destroyed, its pages freed without cleaning
                PageHandOver.destroyPrevious(this, host);
            }
            if (host.kvm != null && scenario.id().equals("S6")) {
                /*
                 * S6: the VMM's load runs on PE1, not on vCPU0's PE0. With the VMM's dirty lines in PE0's caches,
                 * vCPU0's own cache-enable sequence (DC ISW over L1 and L2, which none, at-par and kvm-2014
                 * emulate on the local PE as DC CISW) writes them back before vCPU1 exists and hides the
                 * scenario's subject; docs/scenarios.md ("S6 and the VMM's PE") measures both placements.
                 */
                host.kvm.setVmmPe(1);
                events.add("S6: the VMM's work runs on PE1 (vCPU0 runs on PE0)");
            }
            VirtMachine machine = VirtMachine.create(host.hypervisor, board,
                    new BootImage.Raw(program.image(), GuestPrograms.IMAGE_IPA, GuestPrograms.IMAGE_IPA), console::write);
            events.add(String.format("%s: VMM loaded %s (%d bytes at ipa 0x%x) through its cacheable mapping",
                    guest.label(), guest.source(), program.image().length, GuestPrograms.IMAGE_IPA));
            setup(host, machine, program, guest);
            if (index > 0 && !bare()) PageHandOver.handOver(this, host, machine, program);
            if (index == 0 && host.kvm != null) costsBefore = CostSummary.read(host.kvm.costs());
            if (seed > 0) host.startAdversary(seed * 31 + index);
            lastMachine = machine;
            lastProgram = program;
            runLoop(host, machine, program, guest);
            if (index > 0 && !bare()) PageHandOver.checkHandOver(this, host, machine, program);
            output.append(console.toString(StandardCharsets.ISO_8859_1));
        }

        VirtMachine lastMachine;
        Program lastProgram;

        /** "Before boot" of guests/README.md. */
        private void setup(Host host, VirtMachine machine, Program program, Scenario.Guest guest) {
            if (bare()) return; // the bare loader already cleans to PoC (boot protocol)
            String id = scenario.id();
            if (id.equals("S1")) {
                events.add("S1: the image's lines stay dirty in the VMM's PE's caches (nothing cleans them to PoC)");
                return;
            }
            long dataPageIpa = -1;
            if (id.equals("S6")) {
                Program.Section data = program.section(".data");
                dataPageIpa = data.address() & -4096L;
            }
            long lines = 0;
            for (Placement p : machine.plan().placements()) {
                for (long pageIpa = p.ipa() & -4096L; pageIpa < p.end(); pageIpa += 4096) {
                    if (pageIpa == dataPageIpa) continue;
                    lines += writeBack(host, machine, pageIpa);
                }
            }
            events.add(String.format("%s: engine wrote the loaded image back to PoC (%d lines cleaned and invalidated%s)", guest.label(), lines,
                    dataPageIpa >= 0 ? String.format("; the .data page at ipa 0x%x stays dirty", dataPageIpa) : ""));
        }

        /**
         * Cleans and invalidates to PoC every line of the host page backing {@code pageIpa}, as the VMM's
         * agent on the VMM's PE. Engine work, not the policy's: not counted in the hypervisor's costs.
         */
        private long writeBack(Host host, VirtMachine machine, long pageIpa) {
            KvmVm vm = (KvmVm) machine.vm();
            long pa = vm.backingPa(pageIpa);
            if (pa < 0) return 0;
            int line = host.mem.config().lineSize();
            long n = 0;
            for (long linePa = pa; linePa < pa + 4096; linePa += line, n++) {
                host.mem.dcCleanInvalidatePoC(host.kvm.vmmPe(), host.kvm.vmmAgent(), linePa);
            }
            return n;
        }

        /** The VMM's run loop, with the checkpoint register and S7's reload added. */
        private void runLoop(Host host, VirtMachine machine, Program program, Scenario.Guest guest) {
            long charged = 0; // as RunLoop: a run that used its quantum is charged all of it (abort loops retire nothing)
            int nextCheckpoint = 1;
            while (true) {
                boolean anyOn = false;
                for (Vcpu vcpu : machine.vm().vcpus()) {
                    if (vcpu.mpState() == MpState.STOPPED) continue;
                    anyOn = true;
                    if (charged > MAX_INSTRUCTIONS) {
                        stops.add(guest.label() + ": instruction budget of " + MAX_INSTRUCTIONS + " used up");
                        return;
                    }
                    if (host.oracle.violationCount() >= MAX_VIOLATIONS) {
                        stops.add(guest.label() + ": stopped after " + MAX_VIOLATIONS + " stale reads");
                        return;
                    }
                    long before = host.retired();
                    VcpuExit exit = vcpu.run(QUANTUM);
                    charged += exit instanceof VcpuExit.Interrupted i && i.reason() == VcpuExit.Interrupted.Reason.QUANTUM_EXPIRED
                            ? QUANTUM : Math.max(1, host.retired() - before);
                    if (exit instanceof VcpuExit.Mmio m) {
                        if (m.ipa() == MARKER_IPA && m.write()) {
                            int n = (int) m.data();
                            if (n != nextCheckpoint) {
                                events.add(String.format("%s: checkpoint %d signalled, %d expected (ignored)", guest.label(), n, nextCheckpoint));
                            } else {
                                checkpoint(host, machine, program, guest, vcpu, n);
                                nextCheckpoint++;
                            }
                        } else {
                            mmio(machine, vcpu, m);
                        }
                    } else if (exit instanceof VcpuExit.Hypercall) {
                        vcpu.setX(0, -1); // SMCCC NOT_SUPPORTED: the VMM implements no hypercall
                    } else if (exit instanceof VcpuExit.SystemEvent e) {
                        if (e.type() == VcpuExit.SystemEvent.Type.SHUTDOWN) {
                            stops.add(guest.label() + ": guest powered off (PSCI SYSTEM_OFF) on vCPU " + vcpu.id());
                            return;
                        }
                        reset(host, machine, program, guest);
                        break; // every vCPU was re-initialised: a new round
                    } else if (exit instanceof VcpuExit.InternalError e) {
                        stops.add(String.format("%s: vCPU %d stopped at pc=0x%x: internal error: %s", guest.label(), vcpu.id(), vcpu.pc(), e.reason()));
                        return;
                    }
                }
                if (!anyOn) {
                    stops.add(guest.label() + ": every vCPU is powered off");
                    return;
                }
            }
        }

        private void mmio(VirtMachine machine, Vcpu vcpu, VcpuExit.Mmio m) {
            MmioBus bus = machine.devices().bus();
            if (m.write()) {
                bus.write(m.ipa(), m.size(), m.data(), io);
            } else {
                bus.read(m.ipa(), m.size(), io);
                vcpu.completeMmioRead(io.value);
            }
        }

        /** PSCI SYSTEM_RESET: the VMM resets the board and reloads the image; S7's reload has boot counter 2. */
        private void reset(Host host, VirtMachine machine, Program program, Scenario.Guest guest) {
            machine.reset();
            events.add(guest.label() + ": PSCI SYSTEM_RESET: the VMM reloaded the image through its cacheable mapping and re-initialised the vCPUs");
            if (scenario.id().equals("S7")) {
                long counterIpa = program.symbol("s7_boot_counter");
                machine.vm().memory().writeWord(counterIpa, 8, 2);
                events.add(String.format("S7: the reload wrote s7_boot_counter = 2 at ipa 0x%x (through the cacheable mapping, not written back)", counterIpa));
            }
        }

        /** The host action of checkpoint {@code n} (guests/README.md). */
        private void checkpoint(Host host, VirtMachine machine, Program program, Scenario.Guest guest, Vcpu vcpu, int n) {
            String id = scenario.id();
            String prefix = guest.label() + ": checkpoint " + n + ": ";
            /*
             * Without directed events (explore --no-directed) the scripted cache events are dropped, the
             * speculative fills of S2/S11 and the eviction of S3, which the random adversary stands in for;
             * the host's operations (migration, the VMM's write, the swap) still happen: they are the scenario.
             */
            if (!directed && (id.equals("S2") || id.equals("S3") || (id.equals("S11") && n == 1))) {
                events.add(prefix + "directed cache event dropped (--no-directed): the random adversary stands in for it");
                return;
            }
            long scratch = program.symbol("SCRATCH_IPA");
            switch (id + "/" + n) {
                case "S2/1", "S11/1" -> {
                    long bufferIpa = scratch + (id.equals("S2") ? 0x0000 : 0x8000);
                    if (bare()) {
                        events.add(prefix + "no host kernel in bare mode: no speculative fill by a host PE");
                        return;
                    }
                    long pa = ((KvmVm) machine.vm()).backingPa(bufferIpa);
                    if (pa < 0) {
                        events.add(String.format(prefix + "the buffer's page (ipa 0x%x) is not backed: no speculative fill (the guest broke the protocol)", bufferIpa));
                        return;
                    }
                    host.mem.adversary().declareCacheable(HOST_RAM_PA, HOST_RAM_PA + HOST_RAM);
                    for (int i = 0; i < 8; i++) host.mem.adversary().specFill(MemorySystem.l1dId(1), pa + 64L * i);
                    events.add(String.format(prefix + "host PE1 speculatively filled the buffer's 8 lines (ipa 0x%x, pa 0x%x) into its L1D", bufferIpa, pa));
                }
                case "S3/1" -> {
                    long pageIpa = scratch + 0x1000;
                    long pa = bare() ? pageIpa : ((KvmVm) machine.vm()).backingPa(pageIpa);
                    evictPage(host, pa);
                    events.add(String.format(prefix + "every line of the page (ipa 0x%x, pa 0x%x) evicted from every cache (dirty lines written back)", pageIpa, pa));
                }
                case "S6/1", "S7/1" -> events.add(prefix + "no host action");
                case "S8/1" -> {
                    if (bare()) {
                        events.add(prefix + "no scheduler in bare mode: the vCPU stays on PE0");
                        return;
                    }
                    host.kvm.migrate(vcpu, 1);
                    events.add(prefix + "vCPU " + vcpu.id() + " migrated from PE0 to PE1");
                }
                case "S10/1" -> {
                    long respIpa = program.symbol("NC_WINDOW_IPA") + 0x40;
                    for (int i = 0; i < 16; i++) machine.vm().memory().writeWord(respIpa + 8L * i, 8, 0x5a1a000000000000L + i * 0x10001L);
                    events.add(String.format(prefix + "the VMM wrote the response (16 words at ipa 0x%x) through its %s mapping", respIpa,
                            bare() ? "loader's (cleaned to PoC)" : "cacheable"));
                }
                case "S11/2" -> {
                    long pageIpa = scratch + 0x8000;
                    if (bare()) {
                        events.add(prefix + "no host kernel in bare mode: no swap");
                        return;
                    }
                    KvmVm vm = (KvmVm) machine.vm();
                    long oldPa = vm.backingPa(pageIpa);
                    int pe = host.kvm.hostPe();
                    vm.swapOut(pageIpa, pe);
                    long newPa = vm.swapIn(pageIpa, pe);
                    events.add(String.format(prefix + "page at ipa 0x%x swapped out (pa 0x%x, stage-2 unmap, read through the host map) and back in (pa 0x%x, zeroed and filled through the host map) on PE%d",
                            pageIpa, oldPa, newPa, pe));
                }
                default -> events.add(prefix + "no host action is defined for this checkpoint");
            }
        }

        /** Evicts every line of the 4 KiB page at {@code pa} from every L1D, L1I and the L2. */
        private void evictPage(Host host, long pa) {
            Adversary adv = host.mem.adversary();
            int line = host.mem.config().lineSize();
            for (long linePa = pa; linePa < pa + 4096; linePa += line) {
                for (int pe = 0; pe < host.mem.config().peCount(); pe++) {
                    adv.evict(MemorySystem.l1dId(pe), linePa);
                    adv.evict(MemorySystem.l1iId(pe), linePa);
                }
                adv.evict(MemorySystem.L2_ID, linePa);
            }
        }

        private CellReport report() {
            long violations = 0, leaks = 0, instructions = 0;
            List<Violation> recorded = new ArrayList<>();
            for (Host h : hosts) {
                violations += h.oracle.violationCount();
                leaks += h.oracle.leakCount();
                instructions += h.retired();
                for (Violation v : h.oracle.violations()) if (recorded.size() < MAX_RECORDED) recorded.add(v);
            }
            Outcome outcome = leaks > 0 ? Outcome.LEAK : violations > 0 ? Outcome.STALE : Outcome.PASS;
            StringBuilder expected = new StringBuilder();
            for (Scenario.Guest g : scenario.guests()) for (String line : g.expectedOutput()) expected.append(line).append('\n');
            String out = output.toString();
            CostSummary costs = CostSummary.NONE;
            Host first = hosts.get(0);
            if (first.kvm != null) costs = CostSummary.between(costsBefore, CostSummary.read(first.kvm.costs()));
            return new CellReport(scenario.id(), policyName(), seed, directed, outcome, violations, leaks, recorded, out,
                    out.replace("\r", "").equals(expected.toString()), events, stops, costs, instructions);
        }
    }

    /** S9's hand-over from VM A to VM B (KVM mode). */
    private static final class PageHandOver {
        private PageHandOver() {}

        /**
         * Destroys the VM of the previous guest (pages freed, not cleaned), and arranges that the host page
         * which backed A's {@code SCRATCH_IPA + 0x7000} is the next page the allocator hands out (pages
         * below it are held by the host meanwhile).
         */
        static void destroyPrevious(Cell cell, Host host) {
            KvmVm a = (KvmVm) cell.lastMachine.vm();
            long secretIpa = cell.lastProgram.symbol("SCRATCH_IPA") + 0x7000;
            cell.recycledPa = a.backingPa(secretIpa);
            a.destroy();
            cell.events.add(String.format("%s destroyed: its pages freed without cleaning (A's page at ipa 0x%x was pa 0x%x)",
                    a.name(), secretIpa, cell.recycledPa));
        }

        /**
         * Makes A's old page the allocator's next page: the allocator hands out the lowest free page, so
         * the host holds every free page below it (they stay allocated to nobody for the rest of the run).
         */
        static void handOver(Cell cell, Host host, VirtMachine b, Program program) {
            long target = cell.recycledPa;
            if (target < 0 || host.kvm.allocator().isAllocated(target)) {
                cell.events.add(String.format("page hand-over: A's page pa 0x%x is not free after B's creation; B gets whatever the allocator gives", target));
                return;
            }
            int held = 0;
            while (true) {
                long pa = host.kvm.allocator().allocPage();
                if (pa == target) {
                    host.kvm.allocator().freePage(pa);
                    break;
                }
                held++;
            }
            /*
             * B's first stage-2 faults also allocate table pages from the same allocator, so the page is
             * given to B now: a read through the VMM's view backs the IPA, which allocates the page and zeroes
             * it through the host's cacheable mapping on the VMM's PE (PE0), as the fault would on vCPU0's PE0.
             * The read itself returns the zeros just written (coherent, the oracle checks it).
             */
            long ipa = program.symbol("SCRATCH_IPA") + 0x7000;
            b.vm().memory().readWord(ipa, 8);
            cell.events.add(String.format("page hand-over: A's old page pa 0x%x given to B at ipa 0x%x and zeroed through the host's cacheable mapping on PE%d (%d lower free pages held by the host)",
                    target, ipa, host.kvm.vmmPe(), held));
        }

        static void checkHandOver(Cell cell, Host host, VirtMachine b, Program program) {
            long ipa = program.symbol("SCRATCH_IPA") + 0x7000;
            long pa = ((KvmVm) b.vm()).backingPa(ipa);
            cell.events.add(String.format("%s's page at ipa 0x%x is backed by pa 0x%x%s, at B's run",
                    b.vm().name(), ipa, pa, pa == cell.recycledPa ? " (A's old page)" : " (NOT A's old page)"));
        }
    }
}
