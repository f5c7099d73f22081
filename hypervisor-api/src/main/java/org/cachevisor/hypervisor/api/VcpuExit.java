package org.cachevisor.hypervisor.api;

/**
 * Why {@link Vcpu#run} returned: the {@code exit_reason} and the union member of KVM's
 * {@code struct kvm_run}, as one record per KVM_EXIT_* it mirrors. Exits are data; the VMM's run
 * loop is the one place that reacts to them.
 */
public sealed interface VcpuExit
        permits VcpuExit.Mmio, VcpuExit.Hypercall, VcpuExit.SystemEvent, VcpuExit.InternalError,
                VcpuExit.Interrupted {

    /** The name of the KVM exit reason this mirrors, e.g. {@code "KVM_EXIT_MMIO"}. */
    String kvmName();

    /**
     * KVM_EXIT_MMIO: the guest accessed an IPA outside every RAM slot (or wrote to a read-only slot)
     * with a single-register load or store (ESR_EL2.ISV = 1), which the VMM emulates.
     *
     * <p>For a write, {@code data} holds the value (its low {@code size} bytes). For a read, the VMM
     * must call {@link Vcpu#completeMmioRead} with the device's value before the next
     * {@link Vcpu#run}; the hypervisor then sign- or zero-extends it as decoded here and writes it to
     * the register (KVM's {@code kvm_handle_mmio_return}). For an access no device decodes, the VMM
     * calls {@link Vcpu#injectExternalDataAbort} instead (read or write): the access is abandoned and
     * the guest takes a synchronous external abort.
     *
     * @param ipa          the accessed IPA (HPFAR_EL2.FIPA with FAR_EL2's page offset)
     * @param size         access size in bytes: 1, 2, 4 or 8 (ESR_EL2.SAS)
     * @param write        ESR_EL2.WnR
     * @param data         the value written (writes), 0 (reads)
     * @param register     the transfer register number, 0..31 where 31 is XZR (ESR_EL2.SRT)
     * @param signExtend   the load sign-extends (ESR_EL2.SSE)
     * @param sixtyFourBit the register is a 64-bit X register, else W (ESR_EL2.SF)
     */
    record Mmio(long ipa, int size, boolean write, long data, int register, boolean signExtend,
                boolean sixtyFourBit) implements VcpuExit {
        public Mmio {
            if (size != 1 && size != 2 && size != 4 && size != 8) {
                throw new IllegalArgumentException("MMIO access size must be 1, 2, 4 or 8, got " + size);
            }
            if (register < 0 || register > 31) throw new IllegalArgumentException("MMIO register " + register + " outside 0..31");
        }

        @Override public String kvmName() { return "KVM_EXIT_MMIO"; }
    }

    /**
     * KVM_EXIT_HYPERCALL: an HVC the hypervisor does not implement itself (an immediate other than 0;
     * HVC #0 is the SMCCC conduit for PSCI, handled inside). The VMM may set X0 through
     * {@link Vcpu#setX} before the next run; execution resumes after the HVC.
     *
     * @param immediate the HVC's imm16 (ESR_EL2.ISS[15:0])
     * @param function  X0 at the call (the function identifier)
     * @param arg1      X1
     * @param arg2      X2
     * @param arg3      X3
     */
    record Hypercall(int immediate, long function, long arg1, long arg2, long arg3) implements VcpuExit {
        @Override public String kvmName() { return "KVM_EXIT_HYPERCALL"; }
    }

    /**
     * KVM_EXIT_SYSTEM_EVENT: the guest asked for the whole system to power off or reset (PSCI
     * SYSTEM_OFF, SYSTEM_RESET). Every vCPU of the VM is powered off; after a reset the VMM reloads
     * what it wants and re-initialises the vCPUs ({@link Vcpu#init}).
     */
    record SystemEvent(Type type) implements VcpuExit {
        /** KVM_SYSTEM_EVENT_SHUTDOWN (1) and KVM_SYSTEM_EVENT_RESET (2). */
        public enum Type { SHUTDOWN, RESET }

        public SystemEvent {
            if (type == null) throw new IllegalArgumentException("system event type must not be null");
        }

        @Override public String kvmName() { return "KVM_EXIT_SYSTEM_EVENT"; }
    }

    /**
     * KVM_EXIT_INTERNAL_ERROR: the hypervisor could not go on (e.g. an exception class it does not
     * handle, an MMIO access without instruction syndrome it cannot emulate). The vCPU stays stopped
     * at the instruction; {@code esr} is the ESR_EL2 value involved (0 if none).
     */
    record InternalError(String reason, long esr) implements VcpuExit {
        public InternalError {
            if (reason == null || reason.isBlank()) throw new IllegalArgumentException("internal error needs a reason");
        }

        @Override public String kvmName() { return "KVM_EXIT_INTERNAL_ERROR"; }
    }

    /**
     * KVM_EXIT_INTR: KVM_RUN returned without anything for the VMM to emulate (a signal, in KVM). Here:
     * the quantum of virtual time was used up, the vCPU waits for an interrupt (WFI), or it is powered
     * off. The VMM simply runs it (or another vCPU) again.
     */
    record Interrupted(Reason reason) implements VcpuExit {
        /** Why the run ended. */
        public enum Reason {
            /** The instruction budget of this run was used up. */
            QUANTUM_EXPIRED,
            /** The guest executed WFI (trapped by HCR_EL2.TWI or not) and no interrupt is pending. */
            WAITING_FOR_INTERRUPT,
            /** The vCPU is powered off (PSCI CPU_OFF, KVM_ARM_VCPU_POWER_OFF, after a system event). */
            POWERED_OFF
        }

        public Interrupted {
            if (reason == null) throw new IllegalArgumentException("interrupt reason must not be null");
        }

        @Override public String kvmName() { return "KVM_EXIT_INTR"; }
    }
}
