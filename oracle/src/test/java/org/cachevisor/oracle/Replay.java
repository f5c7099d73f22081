package org.cachevisor.oracle;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cachevisor.memsys.AccessKind;
import org.cachevisor.memsys.Agents;
import org.cachevisor.memsys.Attrs;
import org.cachevisor.memsys.CacheGeometry;
import org.cachevisor.memsys.LineEvent;
import org.cachevisor.memsys.MemConfig;
import org.cachevisor.memsys.MemoryObserver;
import org.cachevisor.memsys.MemorySystem;

/**
 * Replays a list of accesses by several agents on a fresh memory system with the oracle attached,
 * optionally inserting the maintenance of the DISCIPLINE below, optionally with the adversary on.
 *
 * <h2>The discipline (sufficient by the Arm ARM's rules)</h2>
 * Each line is, at any time, in CACHEABLE use (Write-Back accesses by PEs, Inner Shareable: coherent
 * with each other by hardware) or in NON-CACHEABLE use (Normal-NC or Device accesses by PEs, and the
 * non-coherent DMA master at the PoC: all see RAM). Switching a line's use:
 * <ul>
 * <li>CACHEABLE to NON-CACHEABLE: {@code DC CIVAC} by VA by the last cacheable writer (on its PE).
 *     By-VA maintenance acts on every cache of the shareability domain, so afterwards no cache holds
 *     the line and RAM (the PoC) has the newest data; speculative fills during non-cacheable use only
 *     bring CLEAN copies (never written back);</li>
 * <li>NON-CACHEABLE to CACHEABLE: {@code DC IVAC} by VA (invalidate to PoC, every cache of the
 *     domain) by the PE about to access it. No line is dirty at that point (see above), so nothing is
 *     lost, and the stale clean copies speculation may have brought in are gone; later fills read RAM,
 *     which is current.</li>
 * </ul>
 * Within one use no maintenance is needed. With {@code maintenance = false} the same accesses run
 * without the switches' maintenance: the oracle must then be able to catch the result.
 */
final class Replay {
    static final long RAM_PA = 0x4000_0000L;
    /**
     * A small machine so that replacement and the adversary's random victims (it picks a random set)
     * hit the lines used: L1D/L1I 4 sets x 2 ways, L2 8 sets x 4 ways, 64-byte lines, 2 PEs.
     */
    static final MemConfig CONFIG = MemConfig.defaults()
            .withCaches(new CacheGeometry(4, 2), new CacheGeometry(4, 2), new CacheGeometry(8, 4));
    /** Lines used: 6 lines at a 4 KiB stride, all in set 0 of the L1D (2 ways) and of the L2 (4 ways). */
    static final int LINES = 6;
    static final long LINE_STRIDE = 0x1000;

    enum Actor {
        PE0_WB(0, Attrs.HOST_WB), PE1_WB(1, Attrs.HOST_WB), PE0_NC(0, Attrs.NC), PE1_DEVICE(1, Attrs.DEVICE_nGnRnE),
        DMA(-1, Attrs.NC);

        final int pe;
        final int attrs;

        Actor(int pe, int attrs) {
            this.pe = pe;
            this.attrs = attrs;
        }

        boolean cacheable() { return Attrs.cacheable(attrs); }
    }

    /** One access: {@code word} 0..7 of line {@code line}; reads ignore {@code value}. */
    record Op(Actor actor, boolean write, int line, int word, long value) {
        long pa() { return RAM_PA + line * LINE_STRIDE + word * 8L; }

        @Override
        public String toString() {
            return String.format("%s %s 0x%x%s", actor, write ? "writes" : "reads", pa(),
                    write ? String.format(" := 0x%x", value) : "");
        }
    }

    /** What a replay produced. */
    record Outcome(CoherenceOracle oracle, List<String> wrongReads, long eventHash, long seqAtEnd, long speculativeFills,
            long adversaryEvictions) {
        boolean violated() { return oracle.violated(); }
    }

    /** Hashes every event (all arguments), to compare event streams. */
    static final class EventHash implements MemoryObserver {
        long h = 1125899906842597L;
        long speculativeFills;
        long adversaryEvictions;

        private void mix(long v) { h = (h ^ v) * 0x100000001B3L + 31; }

        @Override
        public void onRead(long seq, int pe, int agent, int kind, long pa, int size, int attrs, long lo, long hi, int source) {
            mix(1); mix(seq); mix(pe); mix(agent); mix(kind); mix(pa); mix(size); mix(attrs); mix(lo); mix(hi); mix(source);
        }

        @Override
        public void onWrite(long seq, int pe, int agent, int kind, long pa, int size, int attrs, long lo, long hi) {
            mix(2); mix(seq); mix(pe); mix(agent); mix(kind); mix(pa); mix(size); mix(attrs); mix(lo); mix(hi);
        }

        @Override
        public void onLine(long seq, int event, int cache, long linePa, int fromState, int toState, int cause, int agent) {
            mix(3); mix(seq); mix(event); mix(cache); mix(linePa); mix(fromState); mix(toState); mix(cause); mix(agent);
            if (event == LineEvent.FILL && cause == LineEvent.CAUSE_SPECULATIVE) speculativeFills++;
            if (event == LineEvent.EVICT && cause == LineEvent.CAUSE_ADVERSARY) adversaryEvictions++;
        }

        @Override
        public void onMaintenance(long seq, int pe, int agent, int op, long operand) {
            mix(4); mix(seq); mix(pe); mix(agent); mix(op); mix(operand);
        }
    }

    /**
     * @param adversarySeed null = adversary off; else random speculative fills and evictions (seeded),
     *                      speculation allowed on the lines used (as if a live cacheable mapping, e.g.
     *                      the host's linear map, covered them; declaring only them makes every
     *                      speculative fill land on a line the sequence uses)
     */
    static Outcome run(List<Op> ops, boolean maintenance, Long adversarySeed) {
        MemorySystem ms = new MemorySystem(CONFIG);
        ms.map().addRam("ram", RAM_PA, 1 << 20);
        Agents agents = ms.agents();
        int[] agentOf = new int[Actor.values().length];
        for (Actor a : Actor.values()) {
            agentOf[a.ordinal()] = a.pe >= 0 && a.cacheable() ? a.pe
                    : agents.register(a == Actor.DMA ? Agents.Kind.DEVICE : Agents.Kind.VCPU, a.name(), 0);
        }
        CoherenceOracle oracle = new CoherenceOracle(agents, ms.config().lineSize());
        EventHash hash = new EventHash();
        ms.addObserver(oracle);
        ms.addObserver(hash);
        if (adversarySeed != null) {
            for (int line = 0; line < LINES; line++) {
                long linePa = RAM_PA + line * LINE_STRIDE;
                ms.adversary().declareCacheable(linePa, linePa + ms.config().lineSize());
            }
            ms.adversary().setSeed(adversarySeed);
            ms.adversary().setRates(0.15, 0.15);
        }
        boolean[] cacheableUse = new boolean[LINES];
        int[] lastCacheableWriterPe = new int[LINES];
        Map<Long, Long> reference = new HashMap<>();
        List<String> wrong = new ArrayList<>();
        for (Op op : ops) {
            Actor a = op.actor();
            long linePa = RAM_PA + op.line() * LINE_STRIDE;
            if (a.cacheable() != cacheableUse[op.line()]) {
                if (maintenance) {
                    if (cacheableUse[op.line()]) {
                        ms.dcCleanInvalidatePoC(lastCacheableWriterPe[op.line()], agentOf[lastCacheableWriterPe[op.line()]], linePa);
                    } else {
                        ms.dcInvalidatePoC(a.pe, agentOf[a.ordinal()], linePa);
                    }
                }
                cacheableUse[op.line()] = a.cacheable();
            }
            int agent = agentOf[a.ordinal()];
            if (op.write()) {
                ms.write(a.pe, agent, a == Actor.DMA ? AccessKind.DMA_WRITE : AccessKind.STORE, op.pa(), 8, a.attrs,
                        op.value());
                reference.put(op.pa(), op.value());
                if (a.cacheable()) lastCacheableWriterPe[op.line()] = a.pe;
            } else {
                long got = ms.read(a.pe, agent, a == Actor.DMA ? AccessKind.DMA_READ : AccessKind.LOAD, op.pa(), 8, a.attrs);
                long want = reference.getOrDefault(op.pa(), 0L);
                if (got != want) wrong.add(String.format("%s: got 0x%x, want 0x%x", op, got, want));
            }
        }
        return new Outcome(oracle, wrong, hash.h, ms.seq(), hash.speculativeFills, hash.adversaryEvictions);
    }

    private Replay() {}
}
