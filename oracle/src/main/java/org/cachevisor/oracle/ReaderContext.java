package org.cachevisor.oracle;

/**
 * Supplies a human description of what a reader was doing when it made a violating access, e.g. the
 * CPU answers {@code "vCPU0 pc=0x40001234"}. Called only when a violation is recorded (never on the
 * common path), from inside the observer callback: it must not access memory through the memory
 * system and must not throw.
 */
@FunctionalInterface
public interface ReaderContext {
    /**
     * @param agent the reader's agent id
     * @param pe    the PE whose cache hierarchy the access used (-1 for none)
     * @param seq   the event sequence number of the read
     * @return a short description, or null for none
     */
    String describe(int agent, int pe, long seq);
}
