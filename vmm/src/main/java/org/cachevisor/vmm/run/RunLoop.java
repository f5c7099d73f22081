package org.cachevisor.vmm.run;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.LongSupplier;
import org.cachevisor.hypervisor.api.MpState;
import org.cachevisor.hypervisor.api.Vcpu;
import org.cachevisor.hypervisor.api.VcpuExit;
import org.cachevisor.vmm.MmioBus;

/**
 * The VMM's run loop: the one place that reacts to {@link VcpuExit}s (QEMU's kvm_cpu_exec, for every vCPU
 * of a {@link VirtMachine} in turn on one thread).
 *
 * <h2>Scheduling</h2>
 * Round-robin by vCPU id, deterministic: each powered-on vCPU gets a turn of at most {@code quantum}
 * instructions; within its turn, exits the VMM emulates (MMIO, hypercalls) are handled and the vCPU is run
 * again with what is left of the turn. A turn ends when the quantum is used up, the vCPU waits for an
 * interrupt (WFI) or is powered off. Between rounds, bytes available on the console input are moved into
 * the PL011's receive FIFO (without blocking).
 *
 * <h2>Exits</h2>
 * <ul>
 *   <li>{@link VcpuExit.Mmio}: routed by the {@link MmioBus}; a read's value goes back with
 *       {@link Vcpu#completeMmioRead}. A write to a flash bank (also a write to its read-only slot) may
 *       switch the bank between ROM and MMIO ({@link VirtMachine#flashWritten}). An access no device
 *       decodes (a hole of the map, PCIe, the GIC windows while no GIC is emulated) is answered as KVM lets a VMM answer it
 *       (KVM_SET_VCPU_EVENTS, ext_dabt_pending): {@link Vcpu#injectExternalDataAbort}, so the guest takes a
 *       synchronous external data abort on the access, and it is counted ({@link ExitKind#MMIO_ABORT}).</li>
 *   <li>{@link VcpuExit.Hypercall}: the VMM implements none: X0 = SMCCC NOT_SUPPORTED (-1), as KVM answers
 *       an unknown SMCCC function.</li>
 *   <li>{@link VcpuExit.SystemEvent}: SHUTDOWN stops the run; RESET resets the machine
 *       ({@link VirtMachine#reset()}) and goes on.</li>
 *   <li>{@link VcpuExit.InternalError}: stops the run with a one-line message naming the vCPU and PC.</li>
 *   <li>{@link VcpuExit.Interrupted}: the end of the vCPU's turn.</li>
 * </ul>
 * The run also stops when the instruction budget is used up, when every vCPU is powered off, or at the
 * start of a round after {@link #requestStop} (the console's Ctrl-A X).
 *
 * <h2>Instructions</h2>
 * The API does not report how many instructions a run retired (KVM does not either). A run that ends
 * with its quantum expired is charged its whole budget (the hypervisor counts trapped instructions it
 * emulates against the quantum too, so a guest stuck in a loop of aborts still uses up its budget).
 * Any other run is charged what the counter of retired instructions says, if whoever built the
 * hypervisor gave one (the composition root can read the PEs' counters), else one instruction. Every
 * run is charged at least one instruction, so a budget always ends.
 */
public final class RunLoop {
    /** SMCCC's NOT_SUPPORTED (-1), the answer to a hypercall the VMM does not implement. */
    public static final long SMCCC_NOT_SUPPORTED = -1;

    /** Why {@link #run} returned. */
    public enum StopReason {
        /** PSCI SYSTEM_OFF (KVM_SYSTEM_EVENT_SHUTDOWN). */
        SHUTDOWN,
        /** The instruction budget was used up. */
        BUDGET_EXHAUSTED,
        /** Every vCPU is powered off (PSCI CPU_OFF), so nothing can run again. */
        ALL_VCPUS_OFF,
        /** A vCPU stopped with KVM_EXIT_INTERNAL_ERROR. */
        INTERNAL_ERROR,
        /** The VMM's user asked to stop ({@link #requestStop}, e.g. Ctrl-A X on the console). */
        STOP_REQUESTED
    }

    /** The exits counted, by kind. */
    public enum ExitKind {
        MMIO_READ("KVM_EXIT_MMIO read"), MMIO_WRITE("KVM_EXIT_MMIO write"), MMIO_ABORT("KVM_EXIT_MMIO unmapped (abort injected)"),
        HYPERCALL("KVM_EXIT_HYPERCALL"), SHUTDOWN("KVM_EXIT_SYSTEM_EVENT shutdown"), RESET("KVM_EXIT_SYSTEM_EVENT reset"),
        INTERNAL_ERROR("KVM_EXIT_INTERNAL_ERROR"), QUANTUM_EXPIRED("KVM_EXIT_INTR quantum"),
        WAITING_FOR_INTERRUPT("KVM_EXIT_INTR wfi"), POWERED_OFF("KVM_EXIT_INTR powered off");

        private final String label;

        ExitKind(String label) { this.label = label; }

        /** The KVM exit name and what it was, e.g. {@code "KVM_EXIT_MMIO write"}. */
        public String label() { return label; }
    }

    /**
     * The outcome of a run.
     *
     * @param reason       why it stopped
     * @param message      one line for people (e.g. {@code "guest powered off (PSCI SYSTEM_OFF) on vCPU 0"})
     * @param instructions instructions charged to the budget during this run
     */
    public record Result(StopReason reason, String message, long instructions) { }

    private final VirtMachine machine;
    private final long quantum;
    private final LongSupplier retiredInstructions;
    private final InputStream consoleIn;
    private final long[] exits = new long[ExitKind.values().length];
    private final MmioBus.Result io = new MmioBus.Result();
    private long charged;
    private String stopRequest;

    /**
     * @param machine             the machine to run
     * @param quantum             a vCPU's turn, in instructions (&gt; 0)
     * @param retiredInstructions instructions retired so far by all vCPUs (monotonic), or null (see the class comment)
     * @param consoleIn           bytes for the guest's UART, read only as far as available without blocking; or null
     */
    public RunLoop(VirtMachine machine, long quantum, LongSupplier retiredInstructions, InputStream consoleIn) {
        if (machine == null) throw new IllegalArgumentException("run loop: machine must not be null");
        if (quantum <= 0) throw new IllegalArgumentException("run loop: quantum must be > 0, got " + quantum);
        this.machine = machine;
        this.quantum = quantum;
        this.retiredInstructions = retiredInstructions;
        this.consoleIn = consoleIn;
    }

    /**
     * Runs the machine until the guest powers off, a vCPU stops with an internal error, every vCPU is off,
     * or {@code maxInstructions} more instructions have been charged.
     *
     * @throws IllegalArgumentException if {@code maxInstructions <= 0}
     */
    public Result run(long maxInstructions) {
        if (maxInstructions <= 0) throw new IllegalArgumentException("instruction budget must be > 0, got " + maxInstructions);
        long start = charged;
        long limit = start + maxInstructions;
        while (true) {
            if (stopRequest != null) { // checked before this round's input: the last bytes before it had one round
                String why = stopRequest;
                stopRequest = null;
                return new Result(StopReason.STOP_REQUESTED, why, charged - start);
            }
            feedConsole();
            boolean anyOn = false;
            List<Vcpu> vcpus = machine.vm().vcpus();
            for (Vcpu vcpu : vcpus) {
                if (vcpu.mpState() == MpState.STOPPED) continue;
                anyOn = true;
                if (charged >= limit) return new Result(StopReason.BUDGET_EXHAUSTED, "instruction budget of " + maxInstructions + " used up", charged - start);
                Result stop = turn(vcpu, Math.min(quantum, limit - charged));
                if (stop != null) return new Result(stop.reason(), stop.message(), charged - start);
            }
            if (!anyOn) return new Result(StopReason.ALL_VCPUS_OFF, "every vCPU is powered off", charged - start);
        }
    }

    /** One vCPU's turn; a non-null result ends the run. */
    private Result turn(Vcpu vcpu, long budget) {
        long left = budget;
        while (left > 0) {
            long before = retiredInstructions == null ? 0 : retiredInstructions.getAsLong();
            VcpuExit exit = vcpu.run(left);
            long used;
            if (exit instanceof VcpuExit.Interrupted i && i.reason() == VcpuExit.Interrupted.Reason.QUANTUM_EXPIRED) used = left;
            else used = retiredInstructions == null ? 1 : retiredInstructions.getAsLong() - before;
            used = Math.max(1, Math.min(used, left));
            charged += used;
            left -= used;
            machine.advanceClock(used);
            if (exit instanceof VcpuExit.Mmio m) {
                mmio(vcpu, m);
            } else if (exit instanceof VcpuExit.Hypercall) {
                count(ExitKind.HYPERCALL);
                vcpu.setX(0, SMCCC_NOT_SUPPORTED);
            } else if (exit instanceof VcpuExit.SystemEvent e) {
                if (e.type() == VcpuExit.SystemEvent.Type.SHUTDOWN) {
                    count(ExitKind.SHUTDOWN);
                    return new Result(StopReason.SHUTDOWN, "guest powered off (PSCI SYSTEM_OFF) on vCPU " + vcpu.id(), 0);
                }
                count(ExitKind.RESET);
                machine.reset();
                return null; // every vCPU was re-initialised: start a new round
            } else if (exit instanceof VcpuExit.InternalError e) {
                count(ExitKind.INTERNAL_ERROR);
                return new Result(StopReason.INTERNAL_ERROR, String.format("vCPU %d stopped at pc=0x%x: internal error: %s%s", vcpu.id(), vcpu.pc(),
                        e.reason(), e.esr() == 0 ? "" : String.format(" (ESR_EL2 0x%x)", e.esr())), 0);
            } else if (exit instanceof VcpuExit.Interrupted i) {
                switch (i.reason()) {
                    case QUANTUM_EXPIRED -> count(ExitKind.QUANTUM_EXPIRED);
                    case WAITING_FOR_INTERRUPT -> count(ExitKind.WAITING_FOR_INTERRUPT);
                    case POWERED_OFF -> count(ExitKind.POWERED_OFF);
                }
                return null;
            }
        }
        return null;
    }

    /**
     * KVM_EXIT_MMIO: the bus's device answers; a read is completed before the vCPU runs again. An access
     * no device decodes gets an external data abort injected instead (QEMU's kvm_arch_post_run answers a
     * MEMTX_DECODE_ERROR this way: KVM_SET_VCPU_EVENTS with ext_dabt_pending).
     */
    private void mmio(Vcpu vcpu, VcpuExit.Mmio m) {
        MmioBus bus = machine.devices().bus();
        if (m.write()) bus.write(m.ipa(), m.size(), m.data(), io);
        else bus.read(m.ipa(), m.size(), io);
        if (io.status != MmioBus.Status.OK) {
            count(ExitKind.MMIO_ABORT);
            vcpu.injectExternalDataAbort();
        } else if (m.write()) {
            count(ExitKind.MMIO_WRITE);
            if (io.device == machine.devices().flash0()) machine.flashWritten(0);
            else if (io.device == machine.devices().flash1()) machine.flashWritten(1);
        } else {
            count(ExitKind.MMIO_READ);
            vcpu.completeMmioRead(io.value);
        }
    }

    /**
     * Asks the loop to stop at the start of its next round, before that round's console input is fed,
     * with {@link StopReason#STOP_REQUESTED} and {@code why} as the message. The console reader calls it
     * from within the loop (QEMU's Ctrl-A X): the vCPUs still get the round in progress, so the bytes typed
     * before the escape reach the guest. The request is consumed by the run it stops.
     *
     * @throws IllegalArgumentException if {@code why} is null
     */
    public void requestStop(String why) {
        if (why == null) throw new IllegalArgumentException("run loop: a stop request needs a reason");
        stopRequest = why;
    }

    private void feedConsole() {
        if (consoleIn == null) return;
        try {
            machine.devices().uart().feedAvailable(consoleIn);
        } catch (IOException e) {
            throw new UncheckedIOException("console input: " + e.getMessage(), e);
        }
    }

    private void count(ExitKind kind) { exits[kind.ordinal()]++; }

    /** Exits of {@code kind} since the loop was created. */
    public long exits(ExitKind kind) { return exits[kind.ordinal()]; }

    /** Instructions charged since the loop was created. */
    public long instructions() { return charged; }

    /** One line: every exit kind seen, with its count, e.g. {@code "KVM_EXIT_MMIO write=12 KVM_EXIT_INTR quantum=3"}. */
    public String exitSummary() {
        StringBuilder b = new StringBuilder();
        for (ExitKind k : ExitKind.values()) {
            if (exits[k.ordinal()] == 0) continue;
            if (b.length() > 0) b.append(", ");
            b.append(k.label()).append('=').append(exits[k.ordinal()]);
        }
        return b.length() == 0 ? "none" : b.toString();
    }
}
