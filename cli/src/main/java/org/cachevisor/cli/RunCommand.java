package org.cachevisor.cli;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;
import org.cachevisor.hypervisor.BareMetal;
import org.cachevisor.hypervisor.Costs;
import org.cachevisor.hypervisor.KvmHypervisor;
import org.cachevisor.hypervisor.Policies;
import org.cachevisor.hypervisor.Policy;
import org.cachevisor.hypervisor.api.Hypervisor;
import org.cachevisor.machine.Platform;
import org.cachevisor.memsys.MemConfig;
import org.cachevisor.memsys.MemorySystem;
import org.cachevisor.oracle.CoherenceOracle;
import org.cachevisor.oracle.Mechanism;
import org.cachevisor.oracle.Violation;
import org.cachevisor.vmm.board.VirtBoard;
import org.cachevisor.vmm.run.BootImage;
import org.cachevisor.vmm.run.RunLoop;
import org.cachevisor.vmm.run.VirtMachine;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cachevisor run}: boots a guest on the {@code virt} board, as {@code qemu-system-aarch64 -M virt
 * -accel kvm} would, on the simulated machine: the KVM model with a cache-maintenance policy, or bare
 * metal ({@code --bare}: the guest owns the machine, the loader cleans to the PoC).
 *
 * <p>Composition: a {@link MemorySystem} ({@link MemConfig#defaults()} with max(2, smp) PEs) with the
 * {@link CoherenceOracle} attached before anything is written, a {@link Platform}, then either
 * {@link KvmHypervisor} (host RAM {@link #HOST_RAM_PA}, guest RAM + 64 MiB for tables) or
 * {@link BareMetal}; the VMM ({@link VirtMachine}, {@link RunLoop}) sees only the hypervisor API.
 *
 * <p>Streams: the guest's PL011 output on stdout (UTF-8, flushed at each newline and every
 * {@value #SLICE} instructions, so an echo at a prompt shows); stdin goes to the PL011's receive FIFO,
 * only as far as bytes are available without blocking, checked between rounds of the run loop (a pipe or
 * file is passed in as it comes; a terminal is put in raw mode for the run, {@link RawTerminal}, so each
 * key goes to the guest when typed). Ctrl-A X on stdin ends the run, as in QEMU ({@link ConsoleEscape}).
 * At exit, a summary on stderr (instructions, exits by kind, traps, stage-2 faults, CMOs and lines, the
 * adversary's actions, stale reads with their mechanisms and the first few one-line reports, why the run
 * stopped).
 *
 * <p>Adversary ({@code --adversary-seed}): the memory system's seeded random speculative fills and
 * evictions, per access at the given rates; under KVM all host RAM (the host's linear map) is declared
 * cacheable, bare nothing is (see the comment where it is set up).
 *
 * <p>Exit status: 0 when the guest powered off (or every vCPU is off) or the user typed Ctrl-A X, 124 when
 * {@code --max-insns} ran out, 1 when a vCPU stopped with an internal error, 2 for bad input (one line on
 * stderr). Stale reads do not change the status: they are what the summary reports.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Boot a guest on the virt board (KVM model with a policy, or bare metal) with the coherence oracle attached.")
public final class RunCommand implements Callable<Integer> {
    /** Where the KVM model's host RAM lives in the physical address space (far above guest IPAs). */
    public static final long HOST_RAM_PA = 0x80_0000_0000L;
    /** Host RAM beyond guest RAM, for stage-2 tables and the flash image. */
    static final long HOST_RAM_SLACK = 64L << 20;
    /** Violations printed in the summary (the rest are counted). */
    static final int VIOLATIONS_SHOWN = 5;
    /** Instructions between two flushes of the console (an echo at a prompt shows within one slice). */
    static final long SLICE = 100_000;
    /** The adversary's default rates per memory access (as the scenario engine's explore mode). */
    static final double DEFAULT_ADVERSARY_RATE = 1.0 / 64;

    /** The console input; tests replace it (surefire talks to the forked JVM over the real stdin). */
    static InputStream consoleInput = System.in;

    @Option(names = "--bios", paramLabel = "FILE", description = "Firmware image for flash bank 0, entered at 0 (U-Boot's u-boot.bin); DTB at the start of RAM.")
    Path bios;

    @Option(names = "--kernel", paramLabel = "FILE", description = "Linux arm64 Image (booted with X0 = the DTB).")
    Path kernel;

    @Option(names = "--append", paramLabel = "ARGS", description = "Kernel command line (with --kernel).")
    String append;

    @Option(names = "--initrd", paramLabel = "FILE", description = "Initial ramdisk (with --kernel).")
    Path initrd;

    @Option(names = "--elf", paramLabel = "FILE", description = "AArch64 ELF executable, entered at e_entry.")
    Path elf;

    @Option(names = "--raw", paramLabel = "FILE", description = "Raw binary (with --load-addr and optionally --entry).")
    Path raw;

    @Option(names = "--load-addr", paramLabel = "ADDR", converter = Addresses.class, description = "IPA where --raw is loaded.")
    Long loadIpa;

    @Option(names = "--entry", paramLabel = "ADDR", converter = Addresses.class, description = "IPA where --raw is entered (default: --load-addr).")
    Long entryIpa;

    @Option(names = {"-m", "--memory"}, paramLabel = "SIZE", description = "RAM size: a number of MiB, or with a suffix K, M, G (QEMU's -m). Default: ${DEFAULT-VALUE}.")
    String memory = "128M";

    @Option(names = "--smp", paramLabel = "N", description = "Number of vCPUs (1..8). Default: ${DEFAULT-VALUE}.")
    int smp = 1;

    @Option(names = "--policy", paramLabel = "NAME", description = "Cache-maintenance policy of the KVM model: none, dc-bit, at-par, kvm-2014, kvm-2015, kvm-2017, fwb. Default: none.")
    String policy;

    @Option(names = "--bare", description = "No hypervisor: the guest owns the machine (IPA = PA); the loader cleans to the PoC.")
    boolean bare;

    @Option(names = "--max-insns", paramLabel = "N", description = "Stop after N instructions (exit status 124). Default: ${DEFAULT-VALUE}.")
    long maxInsns = 10_000_000_000L;

    @Option(names = "--adversary-seed", paramLabel = "N", description = "Turn on the memory system's seeded adversary (random speculative fills and evictions); under KVM the host's linear map (all host RAM) is declared cacheable.")
    Long adversarySeed;

    @Option(names = "--adversary-fill-rate", paramLabel = "P", description = "Speculative fills per memory access, with --adversary-seed. Default: 1/64.")
    double adversaryFillRate = DEFAULT_ADVERSARY_RATE;

    @Option(names = "--adversary-evict-rate", paramLabel = "P", description = "Evictions/write-backs per memory access, with --adversary-seed. Default: 1/64.")
    double adversaryEvictRate = DEFAULT_ADVERSARY_RATE;

    @Option(names = "--no-oracle", description = "Do not attach the coherence oracle (faster; stale reads are not checked).")
    boolean noOracle;

    @Option(names = "--dtb-out", paramLabel = "FILE", description = "Also write the guest's device tree blob to FILE.")
    Path dtbOut;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The streams when run by {@link Main} without picocli ({@link #fastParse}); else picocli's. */
    PrintWriter directOut, directErr;

    /** The options {@link #fastParse} knows: every option of this command but help and version (RunFastParseTest). */
    static final List<String> FAST_OPTION_NAMES = List.of("--bios", "--kernel", "--append", "--initrd", "--elf", "--raw",
            "--load-addr", "--entry", "-m", "--memory", "--smp", "--policy", "--bare", "--max-insns", "--adversary-seed",
            "--adversary-fill-rate", "--adversary-evict-rate", "--no-oracle", "--dtb-out");

    /**
     * The plain command lines of {@code run}, parsed without building picocli's model (about 0.1 s of a
     * cold start): every argument an option of this command as picocli takes it, {@code --name value},
     * {@code --name=value}, {@code -m value} or a flag. Anything else (help or version, an unknown or
     * repeated option, a missing value or one that starts with '-', a positional argument, a value picocli
     * would refuse to convert) gives null, and the caller goes through picocli, which says what is wrong.
     * RunFastParseTest checks this parse against picocli's, option by option.
     */
    static RunCommand fastParse(String[] args) {
        RunCommand rc = new RunCommand();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            String value = null;
            int eq = name.indexOf('=');
            if (name.startsWith("--") && eq > 2) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (!FAST_OPTION_NAMES.contains(name) || !seen.add("-m".equals(name) ? "--memory" : name)) return null;
            if ("--bare".equals(name) || "--no-oracle".equals(name)) {
                if (value != null) return null;
                if ("--bare".equals(name)) rc.bare = true;
                else rc.noOracle = true;
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.length || args[i + 1].startsWith("-")) return null;
                value = args[++i];
            }
            try {
                switch (name) {
                    case "--bios" -> rc.bios = Path.of(value);
                    case "--kernel" -> rc.kernel = Path.of(value);
                    case "--append" -> rc.append = value;
                    case "--initrd" -> rc.initrd = Path.of(value);
                    case "--elf" -> rc.elf = Path.of(value);
                    case "--raw" -> rc.raw = Path.of(value);
                    case "--load-addr" -> rc.loadIpa = Addresses.parse(value);
                    case "--entry" -> rc.entryIpa = Addresses.parse(value);
                    case "-m", "--memory" -> rc.memory = value;
                    case "--smp" -> rc.smp = Integer.parseInt(digits(value));
                    case "--policy" -> rc.policy = value;
                    case "--max-insns" -> rc.maxInsns = Long.parseLong(digits(value));
                    case "--adversary-seed" -> rc.adversarySeed = Long.parseLong(digits(value));
                    case "--adversary-fill-rate" -> rc.adversaryFillRate = Double.parseDouble(value);
                    case "--adversary-evict-rate" -> rc.adversaryEvictRate = Double.parseDouble(value);
                    case "--dtb-out" -> rc.dtbOut = Path.of(value);
                    default -> { return null; }
                }
            } catch (RuntimeException e) {
                return null; // picocli's conversion error message
            }
        }
        return rc;
    }

    /** {@code s} if it is decimal digits only (what both parsers read alike), else a value no parse accepts. */
    private static String digits(String s) {
        if (s.isEmpty()) return "x";
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) < '0' || s.charAt(i) > '9') return "x";
        return s;
    }

    @Override
    public Integer call() {
        // ---- every input is checked before anything is built
        if (maxInsns <= 0) throw new Main.UserError("run: --max-insns must be > 0, got " + maxInsns);
        long ramSize = parseSize(memory);
        VirtBoard board;
        try {
            board = VirtBoard.create(ramSize, smp);
        } catch (IllegalArgumentException e) {
            throw new Main.UserError("run: " + e.getMessage());
        }
        BootImage image = bootImage();
        if (adversarySeed == null && (adversaryFillRate != DEFAULT_ADVERSARY_RATE || adversaryEvictRate != DEFAULT_ADVERSARY_RATE)) {
            throw new Main.UserError("run: --adversary-fill-rate and --adversary-evict-rate go with --adversary-seed");
        }
        if (!(adversaryFillRate >= 0) || !(adversaryEvictRate >= 0) || adversaryFillRate + adversaryEvictRate > 1) {
            throw new Main.UserError("run: adversary rates must be >= 0 with fill + evict <= 1, got " + adversaryFillRate + " and " + adversaryEvictRate);
        }
        if (bare && policy != null) throw new Main.UserError("run: --policy chooses the KVM model's policy; it has no meaning with --bare");
        Policy chosen = null;
        if (!bare) {
            try {
                chosen = Policies.byName(policy == null ? "none" : policy);
            } catch (IllegalArgumentException e) {
                throw new Main.UserError("run: " + e.getMessage());
            }
        }

        // ---- composition
        MemConfig config = MemConfig.defaults().withPeCount(Math.max(2, smp));
        MemorySystem mem = new MemorySystem(chosen == null ? config : chosen.platformConfig(config)); // fwb: CTR_EL0.IDC = 1
        Platform platform = new Platform(mem);
        CoherenceOracle oracle = new CoherenceOracle(mem.agents(), mem.config().lineSize())
                .readerContext((agent, pe, seq) -> pe < 0 ? null : String.format("PE%d pc=0x%x", pe, platform.pe(pe).pc()));
        if (!noOracle) mem.addObserver(oracle);
        Hypervisor hypervisor;
        KvmHypervisor kvm = null;
        if (bare) {
            hypervisor = new BareMetal(platform);
        } else {
            long hostRamSize = ramSize + HOST_RAM_SLACK;
            mem.map().addRam("host", HOST_RAM_PA, hostRamSize);
            kvm = new KvmHypervisor(platform, HOST_RAM_PA, hostRamSize, chosen);
            hypervisor = kvm;
        }
        PrintWriter out = directOut != null ? directOut : spec.commandLine().getOut();
        PrintWriter err = directErr != null ? directErr : spec.commandLine().getErr();
        Utf8Console console = new Utf8Console(out);
        VirtMachine machine;
        try {
            machine = VirtMachine.create(hypervisor, board, image, console);
        } catch (IllegalArgumentException e) {
            throw new Main.UserError("run: " + e.getMessage());
        }
        if (dtbOut != null) Files2.writeAtomically(dtbOut, machine.dtb());

        LongSupplier retired = () -> {
            long n = 0;
            for (int i = 0; i < platform.peCount(); i++) n += platform.pe(i).instructionCount();
            return n;
        };
        if (adversarySeed != null) {
            /* Arm ARM B2.4 ("Caches"): a location mapped cacheable by any live translation regime may be
             * allocated into a cache at any time. Under KVM the host's linear map covers all host RAM with
             * Normal Write-Back, whatever the guest does; bare, a guest with its MMU off maps nothing
             * cacheable, so (as the scenario engine's explore mode) nothing is declared and the adversary
             * only evicts and writes back. */
            if (kvm != null) mem.adversary().declareCacheable(HOST_RAM_PA, HOST_RAM_PA + ramSize + HOST_RAM_SLACK);
            mem.adversary().setSeed(adversarySeed);
            mem.adversary().setRates(adversaryFillRate, adversaryEvictRate);
        }

        RunLoop[] loopRef = new RunLoop[1];
        ConsoleEscape input = consoleInput == null ? null
                : new ConsoleEscape(consoleInput, () -> loopRef[0].requestStop("stopped from the console (Ctrl-A X)"));
        RunLoop loop = new RunLoop(machine, KvmHypervisor.DEFAULT_QUANTUM, retired, input);
        loopRef[0] = loop;
        RunLoop.Result result;
        long left = maxInsns;
        try (RawTerminal terminal = RawTerminal.enterIfInteractive(consoleInput == System.in)) {
            do { // in slices, so that the console is flushed while a long run goes on
                result = loop.run(Math.min(SLICE, left));
                left -= result.instructions();
                console.flush();
            } while (result.reason() == RunLoop.StopReason.BUDGET_EXHAUSTED && left > 0);
            console.finish();
        }
        if (result.reason() == RunLoop.StopReason.BUDGET_EXHAUSTED) {
            result = new RunLoop.Result(result.reason(), "instruction budget of " + maxInsns + " (--max-insns) used up", maxInsns - left);
        }
        boolean cutOff = result.reason() != RunLoop.StopReason.SHUTDOWN && result.reason() != RunLoop.StopReason.ALL_VCPUS_OFF;
        if (cutOff && !console.atLineStart()) out.println(); // a run cut off (at a prompt, say): the summary starts on a fresh line
        out.flush();
        summary(err, result, retired.getAsLong(), loop, kvm, oracle, mem);
        err.flush();
        return switch (result.reason()) {
            case SHUTDOWN, ALL_VCPUS_OFF -> 0;
            case BUDGET_EXHAUSTED -> 124;
            case INTERNAL_ERROR -> 1;
            case STOP_REQUESTED -> 0;
        };
    }

    /** The one image option given, with its companions checked. */
    private BootImage bootImage() {
        int given = (bios != null ? 1 : 0) + (kernel != null ? 1 : 0) + (elf != null ? 1 : 0) + (raw != null ? 1 : 0);
        if (given == 0) throw new Main.UserError("run: no guest image: give one of --bios, --kernel, --elf, --raw");
        if (given > 1) throw new Main.UserError("run: --bios, --kernel, --elf and --raw are exclusive: give only one");
        if ((append != null || initrd != null) && kernel == null) throw new Main.UserError("run: --append and --initrd go with --kernel");
        if ((loadIpa != null || entryIpa != null) && raw == null) throw new Main.UserError("run: --load-addr and --entry go with --raw");
        if (raw != null && loadIpa == null) throw new Main.UserError("run: --raw needs --load-addr");
        if (bios != null) return new BootImage.Bios(nonEmpty(Files2.read(bios, "firmware"), bios));
        if (kernel != null) {
            return new BootImage.LinuxKernel(Files2.read(kernel, "kernel"), initrd == null ? null : Files2.read(initrd, "initrd"), append);
        }
        if (elf != null) return new BootImage.Elf(Files2.read(elf, "ELF file"));
        return new BootImage.Raw(nonEmpty(Files2.read(raw, "raw image"), raw), loadIpa, entryIpa == null ? loadIpa : entryIpa);
    }

    private static byte[] nonEmpty(byte[] bytes, Path file) {
        if (bytes.length == 0) throw new Main.UserError("run: " + file + " is empty");
        return bytes;
    }

    /** QEMU's -m: a number of MiB, or a number with a K, M, G or T suffix (binary units). */
    static long parseSize(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        long unit = 1L << 20;
        if (t.endsWith("B")) t = t.substring(0, t.length() - 1);
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'K' -> { unit = 1L << 10; t = t.substring(0, t.length() - 1); }
                case 'M' -> { unit = 1L << 20; t = t.substring(0, t.length() - 1); }
                case 'G' -> { unit = 1L << 30; t = t.substring(0, t.length() - 1); }
                case 'T' -> { unit = 1L << 40; t = t.substring(0, t.length() - 1); }
                default -> { }
            }
        }
        long n;
        try {
            n = Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new Main.UserError("run: -m " + text + " is not a size (e.g. 128M, 1G, or a number of MiB)");
        }
        if (n <= 0 || n > (Long.MAX_VALUE / unit)) throw new Main.UserError("run: -m " + text + " is not a positive size that fits 64 bits");
        return n * unit;
    }

    private void summary(PrintWriter err, RunLoop.Result result, long instructions, RunLoop loop, KvmHypervisor kvm, CoherenceOracle oracle,
            MemorySystem mem) {
        err.println("cachevisor run: " + result.message());
        err.printf("  hypervisor      %s%n", kvm == null ? "bare metal (no hypervisor)" : "kvm, policy " + kvm.policy().name());
        err.printf("  instructions    %d retired by the PEs, %d charged to --max-insns%n", instructions, loop.instructions());
        err.printf("  exits           %s%n", loop.exitSummary());
        if (kvm != null) {
            Costs c = kvm.costs();
            StringBuilder traps = new StringBuilder().append(c.trapsTotal());
            String sep = " (";
            for (Costs.Trap t : Costs.Trap.values()) {
                if (c.traps(t) == 0) continue;
                traps.append(sep).append(t.name()).append('=').append(c.traps(t));
                sep = ", ";
            }
            if (!sep.equals(" (")) traps.append(')');
            err.printf("  traps           %s%n", traps);
            err.printf("  stage-2 faults  %d%n", c.stage2Faults());
            StringBuilder cmos = new StringBuilder();
            for (Costs.Cmo k : Costs.Cmo.values()) {
                if (c.cmoOps(k) == 0) continue;
                cmos.append(cmos.length() == 0 ? "" : ", ").append(k.name()).append(' ').append(c.cmoOps(k)).append(" ops/")
                        .append(c.cmoLines(k)).append(" lines");
            }
            err.printf("  CMOs            %s (%d lines)%n", cmos.length() == 0 ? "none" : cmos.toString(), c.cmoLinesTotal());
            err.printf("  cycles (est.)   %d%n", c.cycles());
        } else {
            err.printf("  traps           none (bare metal)%n");
        }
        if (adversarySeed != null) {
            err.printf("  adversary       seed %d, fill rate %s, evict rate %s: %d actions%n", adversarySeed, adversaryFillRate, adversaryEvictRate,
                    mem.adversary().actionCount());
        }
        if (noOracle) {
            err.printf("  stale reads     not checked (--no-oracle)%n");
            return;
        }
        err.printf("  oracle          %d reads checked (fetches from verified lines count once per line), %d writes, %d line events, %d maintenance ops%n",
                oracle.readsChecked(), oracle.writesSeen(), oracle.lineEvents(), oracle.maintenanceOps());
        err.printf("  stale reads     %d%s%n", oracle.violationCount(), oracle.leakCount() == 0 ? "" : " (" + oracle.leakCount() + " leaks)");
        List<Violation> vs = oracle.violations();
        if (!vs.isEmpty()) {
            java.util.Map<Mechanism, Integer> byMechanism = new java.util.EnumMap<>(Mechanism.class);
            for (Violation v : vs) byMechanism.merge(v.mechanism(), 1, Integer::sum);
            StringBuilder m = new StringBuilder();
            byMechanism.forEach((k, n) -> m.append(m.length() == 0 ? "" : ", ").append(k.name()).append('=').append(n));
            err.printf("  mechanisms      %s%s%n", m, vs.size() < oracle.violationCount() ? " (of the first " + vs.size() + " recorded)" : "");
        }
        for (int i = 0; i < Math.min(VIOLATIONS_SHOWN, vs.size()); i++) err.println("    " + vs.get(i).oneLine());
        if (oracle.violationCount() > VIOLATIONS_SHOWN) err.printf("    ... %d more%n", oracle.violationCount() - VIOLATIONS_SHOWN);
    }

    /**
     * The guest's bytes to a PrintWriter: ASCII as it comes, multi-byte UTF-8 sequences decoded when
     * complete (a byte that cannot be UTF-8 is shown as U+FFFD by the decoder). Flushed at each newline.
     */
    static final class Utf8Console implements IntConsumer {
        private final PrintWriter out;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private int continuationLeft;
        private boolean atLineStart = true;

        Utf8Console(PrintWriter out) { this.out = out; }

        @Override
        public void accept(int b) {
            b &= 0xFF;
            atLineStart = b == '\n';
            if (continuationLeft > 0 && (b & 0xC0) == 0x80) {
                pending.write(b);
                if (--continuationLeft == 0) drain();
                return;
            }
            if (pending.size() > 0) drain(); // an incomplete sequence: shown as the decoder sees it
            continuationLeft = 0;
            if (b < 0x80) {
                out.write(b);
                if (b == '\n') out.flush();
            } else {
                pending.write(b);
                continuationLeft = (b & 0xE0) == 0xC0 ? 1 : (b & 0xF0) == 0xE0 ? 2 : (b & 0xF8) == 0xF0 ? 3 : 0;
                if (continuationLeft == 0) drain();
            }
        }

        private void drain() {
            out.write(new String(pending.toByteArray(), StandardCharsets.UTF_8));
            pending.reset();
        }

        void flush() { out.flush(); }

        /** True when nothing was written yet or the last byte was a newline. */
        boolean atLineStart() { return atLineStart; }

        void finish() {
            if (pending.size() > 0) drain();
            continuationLeft = 0;
            out.flush();
        }
    }
}
