package org.cachevisor.vmm;

/**
 * The guest's notion of elapsed time, in nanoseconds since the machine was created. The hypervisor will
 * derive it from the virtual counter (CNTVCT_EL0 divided by CNTFRQ_EL0); tests set it by hand. Never the
 * host's wall clock: runs must be deterministic.
 */
@FunctionalInterface
public interface VirtualClock {
    /** Nanoseconds of virtual time since the machine was created; never decreases. */
    long nanos();
}
