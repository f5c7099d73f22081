package org.cachevisor.scenarios.engine;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cachevisor.hypervisor.Costs;

/**
 * What the hypervisor's work cost during a scenario's guest run (from the first guest instruction to the
 * end), as the difference of two readings of {@link Costs}: the engine's set-up (loading the image,
 * writing it back to PoC) is not charged to the policy. Bare mode has no hypervisor and costs nothing.
 *
 * @param cycles   the cycle estimate of {@link Costs#cycles()}
 * @param counters named counters in a fixed order: {@code traps}, {@code traps.<KIND>} (non-zero kinds),
 *                 {@code stage2Faults}, {@code cmoOps}, {@code cmoLines}, {@code cmo.<KIND>.ops/lines},
 *                 {@code atWalks}, {@code tlbis}, {@code pagesZeroed}, {@code vmFlushes}, {@code loadFlushes}
 */
public record CostSummary(long cycles, Map<String, Long> counters) {
    public CostSummary {
        counters = Collections.unmodifiableMap(new LinkedHashMap<>(counters));
    }

    /** No cost (bare mode). */
    public static final CostSummary NONE = new CostSummary(0, Map.of());

    /** A reading of every counter of {@code c} (cycles included, under the key "cycles"). */
    static Map<String, Long> read(Costs c) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("cycles", c.cycles());
        m.put("traps", c.trapsTotal());
        for (Costs.Trap t : Costs.Trap.values()) m.put("traps." + t.name(), c.traps(t));
        m.put("stage2Faults", c.stage2Faults());
        m.put("cmoOps", c.dcacheCmoOps());
        m.put("cmoLines", c.cmoLinesTotal());
        for (Costs.Cmo k : Costs.Cmo.values()) {
            m.put("cmo." + k.name() + ".ops", c.cmoOps(k));
            m.put("cmo." + k.name() + ".lines", c.cmoLines(k));
        }
        m.put("atWalks", c.atWalks());
        m.put("tlbis", c.tlbis());
        m.put("pagesZeroed", c.pagesZeroed());
        m.put("vmFlushes", c.vmFlushes());
        m.put("loadFlushes", c.loadFlushes());
        return m;
    }

    /** after - before, keeping the per-kind counters only where they are non-zero. */
    static CostSummary between(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> d = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : after.entrySet()) {
            if (e.getKey().equals("cycles")) continue;
            long v = e.getValue() - before.getOrDefault(e.getKey(), 0L);
            if (v == 0 && (e.getKey().startsWith("traps.") || e.getKey().startsWith("cmo."))) continue;
            d.put(e.getKey(), v);
        }
        return new CostSummary(after.get("cycles") - before.getOrDefault("cycles", 0L), d);
    }

    /** One line: cycles, traps, stage-2 faults, CMO lines, e.g. {@code "12400 cycles: 3 traps, 2 S2 faults, 64 CMO lines"}. */
    public String brief() {
        if (counters.isEmpty()) return "no hypervisor";
        return String.format("%d cycles: %d traps, %d stage-2 faults, %d CMO lines, %d VM flushes", cycles,
                counters.getOrDefault("traps", 0L), counters.getOrDefault("stage2Faults", 0L),
                counters.getOrDefault("cmoLines", 0L), counters.getOrDefault("vmFlushes", 0L));
    }
}
