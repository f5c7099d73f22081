package org.cachevisor.oracle;

import org.cachevisor.memsys.AccessKind;
import org.cachevisor.memsys.Agents;
import org.cachevisor.memsys.Attrs;
import org.cachevisor.memsys.LineEvent;
import org.cachevisor.memsys.LineState;
import org.cachevisor.memsys.Maintenance;
import org.cachevisor.memsys.Source;

/**
 * Derives, from what the {@link LineTracker} saw, which missing maintenance let a stale value through.
 * Runs only on the violation path (it allocates strings freely).
 *
 * <p>The rules follow the Arm ARM's cache model (DDI 0487, "Cache maintenance" and "Non-cacheable
 * accesses" in the memory model chapter): non-cacheable and Device accesses go to the PoC (RAM here) and
 * see neither dirty data in a cache nor write their data into one; cacheable accesses see caches; the
 * I-side fills from the PoU (the L2 here) and is not coherent with the D-side. So:
 * <ul>
 * <li>a non-cacheable reader that got RAM missed a cacheable write still in a cache
 *     ({@link Mechanism#NOT_CLEANED_TO_POC}; {@link Mechanism#CLEANED_TO_POU_ONLY} if a DC CVAU moved it
 *     only to the L2; {@link Mechanism#DIRTY_DATA_DISCARDED} if an invalidation dropped it), or RAM
 *     was overwritten by an older dirty line's write-back after a newer non-cacheable write
 *     ({@link Mechanism#WRITEBACK_OVER_NEWER_WRITE});</li>
 * <li>a cacheable reader that got a cache line missed a non-cacheable write that went around it
 *     ({@link Mechanism#STALE_CLEAN_LINE}, {@link Mechanism#STALE_DIRTY_LINE});</li>
 * <li>a fetch got an old I-cache line ({@link Mechanism#STALE_ICACHE_LINE}) or filled from below the
 *     PoU before the D-side was cleaned to it ({@link Mechanism#FETCH_NOT_CLEANED_TO_POU}).</li>
 * </ul>
 */
final class Explainer {

    record Result(Mechanism mechanism, String text) {}

    private final LineTracker lines;

    Explainer(LineTracker lines) { this.lines = lines; }

    Result explain(int pe, int kind, int attrs, long pa, int source, WriteRef expected, WriteRef seen, Agents agents) {
        boolean readerCacheable = pe >= 0 && Attrs.cacheable(attrs);
        int place = Source.place(source);
        long expSeq = expected.origin() == WriteRef.Origin.WRITE ? expected.seq() : -1;
        String readWhat = (readerCacheable ? "cacheable " : "non-cacheable ")
                + (kind == AccessKind.FETCH ? "instruction fetch" : kind == AccessKind.DMA_READ ? "DMA read"
                        : kind == AccessKind.WALK ? "table walk" : "read");

        if (expected.origin() != WriteRef.Origin.WRITE) {
            return new Result(Mechanism.UNEXPLAINED, "the expected value is " + expected.brief()
                    + ", never written by any agent, yet the read returned something else"
                    + " (a memory-system bug, or memory changed without an event: seed the oracle)");
        }

        if (kind == AccessKind.FETCH && place == Source.L1I) {
            return fetchFromICache(source, pa, expected, expSeq);
        }
        if (kind == AccessKind.FETCH && (place == Source.L2 || place == Source.L1D) && expected.cacheable()) {
            return new Result(Mechanism.FETCH_NOT_CLEANED_TO_POU, "instruction fetch from "
                    + Source.describe(source) + " missed the " + expected.described() + dirtyNote(pa)
                    + ": D-cache not cleaned to PoU (no DC CVAU before the fetch)");
        }
        if (place == Source.RAM || place == Source.ROM) {
            return fromMemory(pa, expected, expSeq, seen, readWhat, agents);
        }
        if (place == Source.L1D || place == Source.L2 || place == Source.L1I) {
            return fromCacheLine(source, pa, expected, expSeq, agents);
        }
        return new Result(Mechanism.UNEXPLAINED, "value came from " + Source.describe(source));
    }

    private Result fromMemory(long pa, WriteRef expected, long expSeq, WriteRef seen, String readWhat, Agents agents) {
        long wbL1 = lines.writebackL1Seq(pa);
        long wbL2 = lines.writebackL2Seq(pa);
        if (!expected.cacheable() && (wbL1 > expSeq || wbL2 > expSeq)) {
            StringBuilder b = new StringBuilder("dirty line from ");
            if (wbL1 > expSeq) {
                b.append(cacheName(lines.writebackL1Cache(pa)));
            } else {
                b.append("L2");
            }
            if (seen.origin() == WriteRef.Origin.WRITE) b.append(" (written by ").append(seen.brief()).append(')');
            if (wbL1 > expSeq) {
                b.append(" written back by ").append(causeWords(lines.writebackL1Cause(pa))).append(" at seq ").append(wbL1);
                if (wbL2 > wbL1) {
                    b.append(" and from L2 to RAM by ").append(causeWords(lines.writebackL2Cause(pa))).append(" at seq ")
                            .append(wbL2);
                }
            } else {
                b.append(" written back by ").append(causeWords(lines.writebackL2Cause(pa))).append(" at seq ").append(wbL2);
            }
            b.append(" over the ").append(expected.described())
                    .append(" (the line was not cleaned and invalidated to PoC before the non-cacheable write)");
            return new Result(Mechanism.WRITEBACK_OVER_NEWER_WRITE, b.toString());
        }
        if (expected.cacheable()) {
            long discard = lines.discardSeq(pa);
            if (discard > expSeq) {
                return new Result(Mechanism.DIRTY_DATA_DISCARDED, "dirty data of the " + expected.described()
                        + " dropped from " + cacheName(lines.discardCache(pa)) + " by "
                        + causeWords(lines.discardCause(pa)) + " invalidation at seq " + discard
                        + " without a clean (DC IVAC discards dirty data; DC CIVAC was needed)");
            }
            long cvau = lines.cleanPoUSeq(pa);
            long cpoc = lines.cleanPoCSeq(pa);
            if (cvau > expSeq && cpoc <= expSeq) {
                return new Result(Mechanism.CLEANED_TO_POU_ONLY, expected.described() + " was cleaned only to PoU ("
                        + Maintenance.name(Maintenance.DC_CVAU) + " by " + agents.name(lines.cleanPoUAgent(pa))
                        + " at seq " + cvau + "), not to PoC, before a " + readWhat + dirtyNote(pa));
            }
            return new Result(Mechanism.NOT_CLEANED_TO_POC, expected.described() + " not cleaned to PoC before a "
                    + readWhat + dirtyNote(pa) + setWayNote(pa, expSeq, agents));
        }
        return new Result(Mechanism.UNEXPLAINED, "the " + expected.described()
                + " went to RAM and no write-back was seen since, yet RAM returned an older value");
    }

    private Result fromCacheLine(int source, long pa, WriteRef expected, long expSeq, Agents agents) {
        int cache = source & 0xffff;
        long fill = lines.fillSeq(cache, pa);
        String fillWords = fill < 0 ? "fill not seen"
                : LineEvent.causeName(lines.fillCause(cache, pa)) + " fill at seq " + fill;
        boolean dirty = Source.lineState(source) == LineState.DIRTY;
        if (!expected.cacheable()) {
            if (dirty) {
                return new Result(Mechanism.STALE_DIRTY_LINE, "dirty line in " + cacheName(cache) + " (" + fillWords
                        + ") hides the " + expected.described()
                        + ": the line was not cleaned and invalidated to PoC before the non-cacheable write");
            }
            if (fill >= 0 && fill < expSeq) {
                return new Result(Mechanism.STALE_CLEAN_LINE, "stale clean line in " + cacheName(cache) + " ("
                        + fillWords + ") not invalidated after the " + expected.described());
            }
            return new Result(Mechanism.STALE_CLEAN_LINE, "clean line in " + cacheName(cache) + " (" + fillWords
                    + ") holds data older than the " + expected.described()
                    + " (copied from another stale cached copy): no cache was invalidated to PoC after that write");
        }
        long discard = lines.discardSeq(pa);
        if (discard > expSeq) {
            return new Result(Mechanism.DIRTY_DATA_DISCARDED, "dirty data of the " + expected.described()
                    + " dropped from " + cacheName(lines.discardCache(pa)) + " by "
                    + causeWords(lines.discardCause(pa)) + " invalidation at seq " + discard
                    + " without a clean (DC IVAC discards dirty data; DC CIVAC was needed); the read then got an"
                    + " older copy from " + cacheName(cache));
        }
        return new Result(Mechanism.UNEXPLAINED, "cacheable read from " + Source.describe(source)
                + " missed the " + expected.described()
                + ": cacheable accesses of the Inner Shareable domain should be coherent (a memory-system bug?)");
    }

    private Result fetchFromICache(int source, long pa, WriteRef expected, long expSeq) {
        int cache = source & 0xffff;
        long fill = lines.fillSeq(cache, pa);
        if (fill >= 0 && fill < expSeq) {
            return new Result(Mechanism.STALE_ICACHE_LINE, "stale line in " + cacheName(cache) + " ("
                    + LineEvent.causeName(lines.fillCause(cache, pa)) + " fill at seq " + fill
                    + ") not invalidated (IC IVAU / IC IALLU) after the " + expected.described());
        }
        if (expected.cacheable()) {
            return new Result(Mechanism.FETCH_NOT_CLEANED_TO_POU, "line in " + cacheName(cache) + " filled"
                    + (fill >= 0 ? " at seq " + fill : "") + " from below the PoU while the " + expected.described()
                    + " was still in a D-cache" + dirtyNote(pa) + ": D-cache not cleaned to PoU (no DC CVAU before the fetch)");
        }
        return new Result(Mechanism.STALE_ICACHE_LINE, "line in " + cacheName(cache) + " filled"
                + (fill >= 0 ? " at seq " + fill : "") + " from a stale copy after the " + expected.described()
                + ": the D-side copies were not invalidated before the I-cache fill");
    }

    /** " (its line is still dirty in PE1.L1D)" or "" if no cache holds it dirty (as far as events said). */
    private String dirtyNote(long pa) {
        int[] dirty = lines.dirtyIn(pa);
        if (dirty.length == 0) return "";
        StringBuilder b = new StringBuilder(" (its line is still dirty in ");
        for (int i = 0; i < dirty.length; i++) {
            if (i > 0) b.append(", ");
            b.append(cacheName(dirty[i]));
        }
        return b.append(')').toString();
    }

    /** Notes a set/way op issued after the write on a PE other than the one whose L1 holds the line dirty. */
    private String setWayNote(long pa, long expSeq, Agents agents) {
        if (lines.setWaySeq <= expSeq) return "";
        for (int cache : lines.dirtyIn(pa)) {
            if (Source.place(cache) == Source.L1D && Source.pe(cache) != lines.setWayPe) {
                return "; " + Maintenance.name(lines.setWayOp) + " by " + agents.name(lines.setWayAgent) + " on PE"
                        + lines.setWayPe + " at seq " + lines.setWaySeq + " operates only on PE" + lines.setWayPe
                        + "'s caches";
            }
        }
        return "";
    }

    static String cacheName(int cache) {
        return switch (Source.place(cache)) {
            case Source.L1D -> "PE" + Source.pe(cache) + ".L1D";
            case Source.L1I -> "PE" + Source.pe(cache) + ".L1I";
            case Source.L2 -> "L2";
            default -> Source.describe(cache);
        };
    }

    private static String causeWords(int cause) {
        return switch (cause) {
            case LineEvent.CAUSE_REPLACEMENT -> "eviction (replacement)";
            case LineEvent.CAUSE_ADVERSARY -> "eviction (adversary)";
            case LineEvent.CAUSE_MAINTENANCE -> "maintenance";
            case LineEvent.CAUSE_SNOOP -> "snoop";
            case LineEvent.CAUSE_SPECULATIVE -> "speculation";
            case LineEvent.CAUSE_DEMAND -> "demand";
            default -> LineEvent.causeName(cause);
        };
    }
}
