package org.cachevisor.hypervisor.api;

/**
 * A virtual CPU: the KVM vCPU file descriptor. Registers read and written here are the vCPU's saved
 * context (KVM_GET_ONE_REG / KVM_SET_ONE_REG); they take effect at the next {@link #run}.
 */
public interface Vcpu {
    /** The id given to {@link Vm#createVcpu}, also MPIDR_EL1.Aff0 as the guest reads it. */
    int id();

    /**
     * KVM_ARM_VCPU_INIT, then PC and X0 (see {@link VcpuInit}): the architected reset state (EL1h,
     * DAIF masked, every general-purpose register 0, SCTLR_EL1 = 0x00C50078 so MMU and caches off),
     * then PC and X0 as given. Allowed again on an initialised vCPU (re-initialisation, as a VMM does
     * after a system reset); a pending MMIO read is dropped.
     */
    void init(VcpuInit init);

    /** True once {@link #init} was called. */
    boolean initialized();

    /**
     * KVM_RUN: runs the guest for at most {@code maxInstructions} instructions of virtual time and
     * returns why it stopped.
     *
     * @throws IllegalStateException if the vCPU was never initialised, its VM was destroyed, or an MMIO
     *     read exit was answered neither with {@link #completeMmioRead} nor with
     *     {@link #injectExternalDataAbort}
     * @throws IllegalArgumentException if {@code maxInstructions <= 0}
     */
    VcpuExit run(long maxInstructions);

    /** {@link #run(long)} with the implementation's default quantum. */
    VcpuExit run();

    /**
     * Completes the MMIO read of the last {@link VcpuExit.Mmio} exit (KVM: the VMM fills
     * {@code run->mmio.data} before the next KVM_RUN): the low {@code size} bytes of {@code value}
     * are extended as the exit says and written to its register at the next {@link #run}.
     *
     * @throws IllegalStateException if no MMIO read is pending
     */
    void completeMmioRead(long value);

    /**
     * KVM_SET_VCPU_EVENTS with {@code ext_dabt_pending} (Linux Documentation/virt/kvm/api.rst, ARM64):
     * the VMM's answer to the last {@link VcpuExit.Mmio} exit when no device decodes the access (QEMU:
     * a decode error on the bus). Valid only right after such an exit, before the next {@link #run}, and
     * instead of {@link #completeMmioRead}: the access is abandoned (no register is written, the PC stays
     * on the instruction) and at its next run the guest takes a synchronous external data abort to EL1 as
     * the hardware would (AArch64.TakeException): ESR_EL1.EC = 0x24 from EL0 or 0x25 from EL1, IL = 1,
     * DFSC = 0x10 (synchronous external abort), WnR = the access was a write; FAR_EL1 = the faulting VA;
     * ELR_EL1 = the instruction's address.
     *
     * @throws IllegalStateException if no MMIO exit is pending (none was returned by the last run, or it
     *     was already completed or answered with an abort)
     */
    void injectExternalDataAbort();

    /** X{@code n} (n in 0..30; 31 reads 0). */
    long x(int n);

    /** Sets X{@code n} (n in 0..30; 31 is ignored). */
    void setX(int n, long value);

    /** The PC (of the next instruction to run). */
    long pc();

    void setPc(long pc);

    /** PSTATE in SPSR format (NZCV, DAIF, M[3:0]). */
    long pstate();

    /**
     * A system register of the vCPU's EL1 context by its encoding {@code op0:op1:CRn:CRm:op2} packed as
     * {@code op0<<14 | op1<<11 | CRn<<7 | CRm<<3 | op2} (KVM's ARM64_SYS_REG id carries the same fields).
     *
     * @throws IllegalArgumentException for an encoding the vCPU does not hold
     */
    long sysReg(int encoding);

    /** KVM_GET_MP_STATE. */
    MpState mpState();
}
