package org.cachevisor.oracle;

/** How bad a violation is. */
public enum Verdict {
    /** The reader saw an out-of-date value of its own security domain, of the host's, or initial contents. */
    STALE,
    /**
     * A guest saw a value written by an agent of ANOTHER guest's security domain
     * ({@link org.cachevisor.memsys.Agents} domain): a leak between VMs. See {@link CoherenceOracle#isLeak}.
     */
    LEAK
}
