package org.cachevisor.scenarios.engine;

/**
 * The outcome of one cell of the scenario matrix, as mission.md's expected table writes it: PASS (the
 * oracle saw no stale read), STALE (it saw at least one, none of another VM's data), LEAK (at least one
 * read saw data written by another VM's security domain; it wins over STALE).
 */
public enum Outcome {
    PASS, STALE, LEAK;

    /** The outcome named {@code text} ("PASS", "STALE", "LEAK"); IllegalArgumentException otherwise. */
    public static Outcome parse(String text) {
        for (Outcome o : values()) if (o.name().equals(text)) return o;
        throw new IllegalArgumentException("no outcome '" + text + "' (PASS, STALE, LEAK)");
    }
}
