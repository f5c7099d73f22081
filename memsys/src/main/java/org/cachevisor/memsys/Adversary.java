package org.cachevisor.memsys;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The adversary: everything the architecture lets the memory system do on its own, made explicit,
 * seeded and deterministic (Arm ARM B2 "Caches and memory hierarchy": a location that is mapped
 * cacheable by any translation regime in use may be allocated into a cache at any time, and any line
 * may be evicted or written back at any time).
 *
 * <ul>
 *   <li><b>Speculative fills</b> (clean lines, by the coherent path: a dirty copy in an L1D supplies the
 *   data) into any PE's L1D or the L2, only for PA ranges declared "mapped cacheable by a live
 *   translation regime" with {@link #declareCacheable}; events carry {@link LineEvent#CAUSE_SPECULATIVE}.</li>
 *   <li><b>Evictions and write-backs</b> of any valid line of any cache (L1D, L1I, L2); events carry
 *   {@link LineEvent#CAUSE_ADVERSARY}.</li>
 * </ul>
 *
 * <p>Random mode ({@link #setRates}): per-access probabilities. The gap to the next action is drawn
 * from a geometric distribution when an action runs, so an access costs one decrement of a countdown,
 * not one random draw. Directed mode: {@link #specFill}, {@link #evict}, {@link #clean} act at once;
 * {@link #scheduleSpecFill}, {@link #scheduleEvict}, {@link #scheduleClean} place an action in a
 * script that runs at the first access starting when {@link MemorySystem#seq()} has reached the given
 * point. Everything is a pure function of the seed and the access stream.
 *
 * <p>Simplification: hardware may also prefetch instructions into an L1I from any location it can
 * execute; the adversary fills only L1Ds and the L2 (its evictions do reach L1Is). A stale L1I line
 * therefore arises here only from a real earlier fetch, which hides some instruction-staleness that
 * hardware could show but never reports one it could not.
 *
 * <p>The adversary is an agent ({@link Agents.Kind#ADVERSARY}) registered by the memory system;
 * the events it causes name it.
 */
public final class Adversary {
    private static final int SPEC_FILL = 0, EVICT = 1, CLEAN = 2;

    private final MemorySystem ms;
    private final int agent;
    private SplittableRandom rng;
    private long seed;
    private double fillRate;
    private double evictRate;
    private final List<long[]> declared = new ArrayList<>(); // [startPa, endPa) pairs, disjoint
    private final List<long[]> script = new ArrayList<>();   // {atSeq, action, cacheId, pa, order}
    private long scriptOrder;
    private long actions;

    Adversary(MemorySystem ms, int agent) {
        this.ms = ms;
        this.agent = agent;
        setSeed(0);
    }

    /** The adversary's agent id. */
    public int agent() { return agent; }

    public long seed() { return seed; }

    /** Number of actions taken so far (random and directed). */
    public long actionCount() { return actions; }

    /** Restarts the random stream from {@code seed} (and re-draws the countdown to the next action). */
    public void setSeed(long newSeed) {
        this.seed = newSeed;
        this.rng = new SplittableRandom(newSeed);
        rearm();
    }

    /**
     * Random mode: per access, a speculative fill happens with probability {@code fillRate} and an
     * eviction/write-back with probability {@code evictRate} (their sum at most 1). Both 0 = off.
     */
    public void setRates(double newFillRate, double newEvictRate) {
        if (!(newFillRate >= 0) || !(newEvictRate >= 0) || newFillRate + newEvictRate > 1.0) {
            throw new IllegalArgumentException("adversary rates must be >= 0 with fillRate + evictRate <= 1, got "
                    + newFillRate + " and " + newEvictRate);
        }
        this.fillRate = newFillRate;
        this.evictRate = newEvictRate;
        rearm();
    }

    public double fillRate() { return fillRate; }

    public double evictRate() { return evictRate; }

    /** Declares [paStart, paEnd) mapped cacheable by a live translation regime (speculation may fill it). */
    public void declareCacheable(long paStart, long paEnd) {
        checkRange(paStart, paEnd);
        undeclare(paStart, paEnd); // keep the list disjoint
        int i = 0;
        while (i < declared.size() && declared.get(i)[0] < paStart) i++;
        declared.add(i, new long[] {paStart, paEnd});
    }

    /** Removes [paStart, paEnd) from the declared ranges (any overlap is cut out). */
    public void undeclare(long paStart, long paEnd) {
        checkRange(paStart, paEnd);
        List<long[]> out = new ArrayList<>();
        for (long[] r : declared) {
            if (r[1] <= paStart || r[0] >= paEnd) { out.add(r); continue; }
            if (r[0] < paStart) out.add(new long[] {r[0], paStart});
            if (r[1] > paEnd) out.add(new long[] {paEnd, r[1]});
        }
        declared.clear();
        declared.addAll(out);
    }

    /** Removes every declared range (no translation regime maps anything cacheable any more). */
    public void undeclareAll() { declared.clear(); }

    /** Whether speculation may fill {@code pa}. */
    public boolean isDeclaredCacheable(long pa) {
        for (long[] r : declared) if (pa >= r[0] && pa < r[1]) return true;
        return false;
    }

    private static void checkRange(long paStart, long paEnd) {
        if (paStart < 0 || paEnd <= paStart) {
            throw new IllegalArgumentException(String.format("bad PA range [0x%x, 0x%x)", paStart, paEnd));
        }
    }

    /**
     * Directed: speculatively fills the line holding {@code pa} into cache {@code cacheId} (a PE's L1D
     * or the L2, see {@link MemorySystem#l1dId}) now. No-op if the cache already holds it.
     *
     * @throws IllegalArgumentException if the cache is not an L1D/L2 or {@code pa} is not declared
     *     cacheable or not RAM
     */
    public void specFill(int cacheId, long pa) {
        check(SPEC_FILL, cacheId, pa);
        actions++;
        ms.adversarySpecFill(cacheId, pa, agent);
    }

    /** Directed: evicts (writing back if dirty) the line holding {@code pa} from {@code cacheId}, now. */
    public void evict(int cacheId, long pa) {
        check(EVICT, cacheId, pa);
        actions++;
        ms.adversaryLine(cacheId, pa, LineTransitions.EVICT, agent);
    }

    /** Directed: writes back (cleans) the line holding {@code pa} in {@code cacheId} if dirty, now. */
    public void clean(int cacheId, long pa) {
        check(CLEAN, cacheId, pa);
        actions++;
        ms.adversaryLine(cacheId, pa, LineTransitions.CLEAN, agent);
    }

    /** Script: {@link #specFill} at the first access starting at or after event {@code atSeq}. */
    public void scheduleSpecFill(long atSeq, int cacheId, long pa) { schedule(atSeq, SPEC_FILL, cacheId, pa); }

    /** Script: {@link #evict} at the first access starting at or after event {@code atSeq}. */
    public void scheduleEvict(long atSeq, int cacheId, long pa) { schedule(atSeq, EVICT, cacheId, pa); }

    /** Script: {@link #clean} at the first access starting at or after event {@code atSeq}. */
    public void scheduleClean(long atSeq, int cacheId, long pa) { schedule(atSeq, CLEAN, cacheId, pa); }

    /** Actions still waiting in the script. */
    public int pendingScriptActions() { return script.size(); }

    private void schedule(long atSeq, int action, int cacheId, long pa) {
        if (atSeq < 0) throw new IllegalArgumentException("script point must be >= 0, got " + atSeq);
        check(action, cacheId, pa);
        long[] a = {atSeq, action, cacheId, pa, scriptOrder++};
        int i = 0;
        while (i < script.size() && script.get(i)[0] <= atSeq) i++;
        script.add(i, a);
        ms.setNextScriptSeq(script.get(0)[0]);
    }

    private void check(int action, int cacheId, long pa) {
        ms.checkCacheId(cacheId);
        if (action == SPEC_FILL) {
            int place = Source.place(cacheId);
            if (place != Source.L1D && place != Source.L2) {
                throw new IllegalArgumentException("speculative fills go to an L1D or the L2, not " + Source.describe(cacheId));
            }
            if (!isDeclaredCacheable(pa)) {
                throw new IllegalArgumentException(String.format(
                        "pa 0x%x is not declared mapped cacheable (declareCacheable), so it cannot be speculatively filled", pa));
            }
            AddressMap.Region r = ms.map().find(pa);
            if (r == null || r.kind() != AddressMap.Kind.RAM) {
                throw new IllegalArgumentException(String.format("pa 0x%x is not RAM; only RAM is cached", pa));
            }
        }
    }

    /** Called by the memory system at the start of an access when the countdown ran out or a script point passed. */
    void step() {
        if (ms.advCountdown <= 0) {
            randomAction();
            rearm();
        }
        while (!script.isEmpty() && script.get(0)[0] <= ms.seq) {
            long[] a = script.remove(0);
            actions++;
            int cacheId = (int) a[2];
            long pa = a[3];
            switch ((int) a[1]) {
                case SPEC_FILL -> {
                    // The range may have been undeclared since: speculation then no longer may fill it.
                    if (isDeclaredCacheable(pa)) ms.adversarySpecFill(cacheId, pa, agent);
                }
                case EVICT -> ms.adversaryLine(cacheId, pa, LineTransitions.EVICT, agent);
                default -> ms.adversaryLine(cacheId, pa, LineTransitions.CLEAN, agent);
            }
        }
        ms.setNextScriptSeq(script.isEmpty() ? Long.MAX_VALUE : script.get(0)[0]);
    }

    /** Draws the number of accesses until the next random action (geometric with p = fillRate + evictRate). */
    private void rearm() {
        double p = fillRate + evictRate;
        if (p <= 0) {
            ms.advCountdown = Integer.MAX_VALUE;
            return;
        }
        long gap;
        if (p >= 1) gap = 1;
        else {
            double u = 1.0 - rng.nextDouble(); // (0, 1]
            gap = 1 + (long) Math.floor(Math.log(u) / Math.log1p(-p));
        }
        ms.advCountdown = (int) Math.min(gap, Integer.MAX_VALUE);
    }

    private void randomAction() {
        double p = fillRate + evictRate;
        if (p <= 0) return;
        actions++;
        MemConfig cfg = ms.config();
        if (rng.nextDouble() * p < fillRate) {
            long lines = 0;
            int lineShift = cfg.lineShift();
            for (long[] r : declared) lines += ((r[1] - 1) >>> lineShift) - (r[0] >>> lineShift) + 1;
            if (lines == 0) return;
            long pick = rng.nextLong(lines);
            long pa = -1;
            for (long[] r : declared) {
                long n = ((r[1] - 1) >>> lineShift) - (r[0] >>> lineShift) + 1;
                if (pick < n) { pa = ((r[0] >>> lineShift) + pick) << lineShift; break; }
                pick -= n;
            }
            int target = rng.nextInt(cfg.peCount() + 1);
            int cacheId = target == cfg.peCount() ? MemorySystem.L2_ID : MemorySystem.l1dId(target);
            AddressMap.Region r = ms.map().find(pa);
            if (r != null && r.kind() == AddressMap.Kind.RAM) ms.adversarySpecFill(cacheId, pa, agent);
        } else {
            int target = rng.nextInt(2 * cfg.peCount() + 1);
            int cacheId = target == 2 * cfg.peCount() ? MemorySystem.L2_ID
                    : (target < cfg.peCount() ? MemorySystem.l1dId(target) : MemorySystem.l1iId(target - cfg.peCount()));
            boolean writeBackOnly = rng.nextInt(4) == 0;
            ms.adversaryRandomVictim(cacheId, rng.nextInt(1 << 30), writeBackOnly ? LineTransitions.CLEAN
                    : LineTransitions.EVICT, agent);
        }
    }
}
