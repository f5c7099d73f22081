package org.cachevisor.scenarios;

import java.util.List;
import org.cachevisor.scenarios.Scenario.Checkpoint;
import org.cachevisor.scenarios.Scenario.Guest;

/**
 * The catalogue of the mission's scenarios S1-S11 (shared/design/mission.md, "Scenarios the system
 * must reproduce"): guest programs, host actions in words, and the guest output on a correct
 * platform. The host actions are what a scenario engine on the hypervisor must do (directed mode);
 * the guests are written as correct bare-metal programs, so any MISMATCH they print (or any stale
 * read the oracle reports) is the platform's fault. Physical CPUs: the vCPU runs on PE0 and the host
 * kernel/VMM work runs on PE0 unless a step names another PE.
 */
public final class Scenarios {
    private Scenarios() {}

    private static final String VMM_LOADS_IMAGE = "the VMM writes the image at IPA 0x4008_0000 through its cacheable "
            + "mapping (its dirty lines stay in the host PE's caches; nothing cleans them to PoC)";
    /*
     * Every guest first runs with its caches off, so under a policy that does not clean at stage-2 faults
     * (none) the image load alone (S1) already makes the first instruction fetch stale. For the other
     * scenarios to show their own effect (S4 and S5 are PASS under none in the mission's table), the
     * engine writes the loaded image back to PoC before boot, except where the scenario needs the VMM's
     * lines dirty (S6's data page, S7's reload).
     */
    private static final String VMM_LOADS_IMAGE_CLEAN = "the VMM writes the image at IPA 0x4008_0000 through its "
            + "cacheable mapping, then the engine writes those lines back to PoC (so that S1's effect does not mask "
            + "this scenario's)";

    private static final String NO_HOST_ACTIONS_IN_QEMU = "QEMU cannot perform the host actions (it models no "
            + "caches); on a coherent platform they change nothing, so the output is the same";

    private static final List<Scenario> ALL = List.of(
            new Scenario("S1", "image-load",
                    "The VMM writes an image (code and data) through its cacheable mapping; the guest boots with MMU off, "
                            + "reads the data and executes code from it.",
                    List.of(new Guest("S1", "s1-image-load.s", 1, List.of(
                            ok("S1", "pattern", 0x1122334455667788L),
                            ok("S1", "table", 0x5101000000000000L),
                            ok("S1", "result of the routine in the second code page", 0x5100c0de00000001L),
                            "S1: done"))),
                    VMM_LOADS_IMAGE + "; data: s1_pattern, s1_table (.data page), code in two pages of .text",
                    List.of(), ""),
            new Scenario("S2", "enable-shadow",
                    "The guest, caches off, writes a buffer; a host CPU speculatively filled a clean line of that buffer "
                            + "(old data) into its own L1; the guest runs the bare-metal cache-enable sequence (set/way "
                            + "invalidate, SCTLR_EL1.M=C=1) and reads the buffer.",
                    List.of(new Guest("S2", "s2-enable-shadow.s", 1, List.of(
                            ok("S2", "SCTLR_EL1 M, C, I bits after the enable sequence", 0x1005),
                            ok("S2", "PAR_EL1.ATTR of the buffer after AT S1E1R", 0xff),
                            ok("S2", "buffer with caches on", 0x5202000000000000L),
                            "S2: done"))),
                    VMM_LOADS_IMAGE_CLEAN,
                    List.of(new Checkpoint(1, "the buffer's page (SCRATCH_IPA) is mapped (the guest stored to its last line); "
                                    + "the buffer (its first 512 bytes) is not written yet",
                            "host PE1 speculatively fills the buffer's 8 lines into its L1D (clean, old data: what the host's "
                                    + "zeroing left)")),
                    NO_HOST_ACTIONS_IN_QEMU),
            new Scenario("S3", "dirty-eviction",
                    "The host zeroed the page through its cacheable mapping (dirty lines); the guest, caches off, writes "
                            + "data; the host's dirty line is evicted; the guest reads its data.",
                    List.of(new Guest("S3", "s3-dirty-eviction.s", 1, List.of(
                            ok("S3", "buffer with caches off", 0x5303000000000000L),
                            "S3: done"))),
                    VMM_LOADS_IMAGE_CLEAN + "; the page at SCRATCH_IPA + 0x1000 is allocated on the guest's first store and "
                            + "zeroed by the host kernel through its cacheable linear map (dirty zero lines in PE0's caches)",
                    List.of(new Checkpoint(1, "the guest has written the buffer (64 words at SCRATCH_IPA + 0x1000), caches off",
                            "the host evicts every line of that page from every cache (dirty lines are written back to PoC)")),
                    NO_HOST_ACTIONS_IN_QEMU),
            new Scenario("S4", "dma-caches-off",
                    "The guest, caches off, fills a buffer and has a non-coherent DMA engine copy it; it reads the copy.",
                    List.of(new Guest("S4", "s4-dma-caches-off.s", 1, List.of(
                            ok("S4", "DMA engine ID", 0x4d445643L),
                            ok("S4", "DMA STATUS after the copy", 2),
                            ok("S4", "copy with caches off", 0x5404000000000000L),
                            "S4: done"))),
                    VMM_LOADS_IMAGE_CLEAN + "; the test DMA engine (vmm DmaEngine) at DMA_IPA copies at PoC",
                    List.of(),
                    "QEMU's virt board has no DMA engine at 0x0C00_0000: the guest stops at its first register access "
                            + "(a synchronous external abort, reported by the guest's vector)"),
            new Scenario("S5", "code-copy",
                    "The guest, MMU and caches off (SCTLR_EL1.I=0 as well), copies a routine with stores, runs "
                            + "IC IALLU; ISB, and branches to it.",
                    List.of(new Guest("S5", "s5-code-copy.s", 1, List.of(
                            ok("S5", "result of copied routine A", 0x550500000000aaaaL),
                            ok("S5", "result of copied routine B (over A)", 0x550500000000bbbbL),
                            "S5: done"))),
                    VMM_LOADS_IMAGE_CLEAN + "; the routines are copied to SCRATCH_IPA + 0x4000 (data write fault first, then "
                            + "an execution fault on the same page)",
                    List.of(), ""),
            new Scenario("S6", "two-vcpus",
                    "vCPU0 (caches on) touches a page first; vCPU1 (caches off) then reads data the VMM wrote there.",
                    List.of(new Guest("S6", "s6-two-vcpus.s", 2, List.of(
                            ok("S6", "data read by vCPU0 with caches on", 0x5606000000000000L),
                            ok("S6", "vCPU1 context id", 0x5606c0deL),
                            ok("S6", "data read by vCPU1 with caches off", 0x5606000000000000L),
                            "S6: done"))),
                    VMM_LOADS_IMAGE + " (the VMM's work runs on PE1); the engine then writes the code pages back to PoC but "
                            + "leaves the .data page (s6_data, first touched by vCPU0 after its caches are on) dirty in PE1's caches; "
                            + "vCPU0 runs on PE0, vCPU1 (started by PSCI CPU_ON, then vCPU0 calls CPU_OFF) on PE1",
                    List.of(new Checkpoint(1, "vCPU0 (caches on) has read s6_data, so its page is mapped; CPU_ON follows",
                            "none (the engine may record the data page's stage-2 state)")),
                    ""),
            new Scenario("S7", "reboot",
                    "The guest enables caches and runs; it resets via PSCI SYSTEM_RESET; the VMM reloads the image (same "
                            + "code, a different data word: a boot counter) and re-initialises the vCPU; the guest boots "
                            + "again with caches off and reads the new data.",
                    List.of(new Guest("S7", "s7-reboot.s", 1, List.of(
                            ok("S7", "boot counter, first boot, caches off", 1),
                            ok("S7", "boot counter, first boot, caches on", 1),
                            ok("S7", "pattern, first boot, caches on", 0x5707000000000000L),
                            "S7: PSCI SYSTEM_RESET",
                            ok("S7", "boot counter, second boot, caches off", 2),
                            ok("S7", "pattern, second boot, caches off", 0x5707000000000000L),
                            "S7: done"))),
                    VMM_LOADS_IMAGE_CLEAN + ", with s7_boot_counter = 1; on the SYSTEM_RESET exit the VMM reloads the same "
                            + "image with s7_boot_counter = 2 (through its cacheable mapping, not written back) and re-initialises the vCPU "
                            + "(KVM_ARM_VCPU_INIT); guest RAM outside the image (S7_MARKER_IPA) is kept",
                    List.of(new Checkpoint(1, "first boot, caches on, s7_boot_counter read with caches on; SYSTEM_RESET follows",
                            "none (the reload happens on the SYSTEM_RESET exit)")),
                    "QEMU's reset reloads the same image: the test runs two QEMU processes (-no-reboot) over one file-backed RAM and patches s7_boot_counter to 2 for the second, as the VMM's reload does"),
            new Scenario("S8", "setway-off",
                    "The guest, caches on, writes data; its vCPU migrates to another physical CPU; it cleans by set/way, "
                            + "turns the D-cache off and reads the data.",
                    List.of(new Guest("S8", "s8-setway-off.s", 1, List.of(
                            ok("S8", "SCTLR_EL1 M, C, I bits after the D-cache is off", 0x1001),
                            ok("S8", "buffer with the D-cache off", 0x5808000000000000L),
                            "S8: done"))),
                    VMM_LOADS_IMAGE_CLEAN,
                    List.of(new Checkpoint(1, "caches on, the buffer (64 words at SCRATCH_IPA + 0x6000) written (dirty in PE0's caches)",
                            "the host migrates the vCPU from PE0 to PE1")),
                    NO_HOST_ACTIONS_IN_QEMU),
            new Scenario("S9", "page-recycle",
                    "VM A writes a secret; A is destroyed; the host gives the page to VM B and zeroes it through its "
                            + "cacheable mapping; B, caches off, reads the page. Reading A's secret is a security violation "
                            + "(reported as a leak).",
                    List.of(new Guest("S9A", "s9-page-recycle-a.s", 1, List.of(
                                    ok("S9A", "secret written by VM A", 0x5ec2e7a000000000L),
                                    "S9A: done")),
                            new Guest("S9B", "s9-page-recycle-b.s", 1, List.of(
                                    ok("S9B", "fresh page read by VM B", 0),
                                    "S9B: done"))),
                    VMM_LOADS_IMAGE_CLEAN + " (VM A); after A's SYSTEM_OFF the host destroys VM A, freeing its pages "
                            + "without cleaning them, then creates VM B and loads B's image the same way; the host page that backed A's "
                            + "SCRATCH_IPA + 0x7000 is the one B's first access to that IPA gets (zeroed through the "
                            + "host's cacheable mapping)",
                    List.of(),
                    "the page hand-over between two VMs is the hypervisor's; under QEMU each VM runs alone (B reads "
                            + "QEMU's zeroed RAM)"),
            new Scenario("S10", "nc-shared-buffer",
                    "The guest, MMU and caches on, maps a shared buffer Normal Non-cacheable; the VMM writes into it "
                            + "through its cacheable mapping; the guest reads it.",
                    List.of(new Guest("S10", "s10-nc-shared-buffer.s", 1, List.of(
                            ok("S10", "PAR_EL1.ATTR of the shared buffer after AT S1E1R", 0x44),
                            ok("S10", "response read through the Non-cacheable mapping", 0x5a1a000000000000L),
                            "S10: done"))),
                    VMM_LOADS_IMAGE_CLEAN,
                    List.of(new Checkpoint(1, "caches on; the request word at NC_WINDOW_IPA written through the Normal "
                                    + "Non-cacheable mapping (the page is mapped at stage 2)",
                            "the VMM writes the response: 16 words at NC_WINDOW_IPA + 0x40, word i = 0x5a1a000000000000 + "
                                    + "i * 0x10001, through its cacheable mapping")),
                    "QEMU has no host script: the test writes the response before boot (-device loader), which gives "
                            + "the guest the same values; the guest never writes those lines"),
            new Scenario("S11", "unmap-swap",
                    "The guest, caches off, writes a page; a host CPU holds a speculatively filled clean stale line of "
                            + "it; the host swaps the page out (reading it through its mapping) and back in; the guest "
                            + "reads its data.",
                    List.of(new Guest("S11", "s11-unmap-swap.s", 1, List.of(
                            ok("S11", "buffer after swap-out and swap-in, caches off", 0x5b11000000000000L),
                            "S11: done"))),
                    VMM_LOADS_IMAGE_CLEAN,
                    List.of(new Checkpoint(1, "the page at SCRATCH_IPA + 0x8000 is mapped (the guest stored to its last "
                                    + "line); the buffer (its first 512 bytes) is not written yet",
                                    "host PE1 speculatively fills the buffer's 8 lines into its L1D (clean, old data)"),
                            new Checkpoint(2, "the buffer is written, caches off",
                                    "the host swaps the page out (stage-2 unmap with the policy's unmap hook, then reads "
                                            + "the page through its cacheable mapping into the swap store, frees it) and "
                                            + "swaps it back in (allocates, zeroes and fills a page through its cacheable "
                                            + "mapping; the guest's next access faults it in)")),
                    NO_HOST_ACTIONS_IN_QEMU));

    /** S1 ... S11 in order. */
    public static List<Scenario> all() {
        return ALL;
    }

    /** The scenario with {@code id} ("S1" ... "S11"); IllegalArgumentException if there is none. */
    public static Scenario byId(String id) {
        for (Scenario s : ALL) if (s.id().equals(id)) return s;
        throw new IllegalArgumentException("no scenario " + id + " (S1 ... S11)");
    }

    /** The line the guests' {@code check} routine prints for a read that matched. */
    private static String ok(String label, String what, long value) {
        return String.format("%s: %s read 0x%016x expected 0x%016x OK", label, what, value, value);
    }
}
