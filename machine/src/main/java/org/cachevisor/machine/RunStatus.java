package org.cachevisor.machine;

/** Why {@link Pe#run(long)} returned. */
public enum RunStatus {
    /** The instruction budget was used up; the PE can simply run again. */
    BUDGET_EXHAUSTED,
    /**
     * An instruction trapped to EL2 (HCR_EL2 controls, HVC, SMC with TSC): the PE stopped before executing
     * it; {@link Pe#el2Syndrome()} holds the ESR_EL2-style syndrome and {@link Pe#pc()} the preferred
     * return address. The hypervisor emulates, adjusts the PE, and runs it again.
     */
    TRAP_EL2,
    /** A physical interrupt routed to EL2 (HCR_EL2.IMO/FMO/AMO) is pending: the hypervisor decides. */
    INTERRUPT_TO_EL2,
    /** WFI (or WFE without an event) with no interrupt pending: the PE sleeps until an interrupt line rises. */
    WFI,
    /** The PE was halted by its owner ({@link Pe#halt()}, e.g. the exec layer's exit_group). */
    HALTED,
    /**
     * A synchronous exception from EL0 that the host handles in place of an EL1 kernel (exec mode:
     * SVC system calls, faults): see {@link Pe#hostEsr()}, {@link Pe#hostFar()}.
     */
    EXCEPTION_TO_HOST
}
