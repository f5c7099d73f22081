package org.cachevisor.vmm;

/**
 * One level-sensitive interrupt wire from a device to the interrupt controller (a GIC SPI). The device
 * calls {@link #set} with the new level whenever its output may have changed; calling it with an
 * unchanged level is allowed and means nothing.
 */
@FunctionalInterface
public interface InterruptLine {
    /** Drives the wire to {@code level} (true = asserted). */
    void set(boolean level);

    /** A line connected to nothing (for devices whose interrupt is not wired yet). */
    InterruptLine NONE = level -> { };
}
