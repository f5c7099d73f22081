package org.cachevisor.oracle;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.cachevisor.memsys.AccessKind;
import org.cachevisor.memsys.Agents;
import org.cachevisor.memsys.LineEvent;
import org.cachevisor.memsys.LineState;
import org.cachevisor.memsys.MemoryObserver;
import org.cachevisor.memsys.Source;

/**
 * The coherence oracle: a second, deliberately simple model of memory that checks the real one.
 *
 * <p>It is a {@link MemoryObserver}. Every write of every agent (PEs, host kernel, VMM, devices, DMA)
 * updates a flat, cache-less reference memory in event order; every read (load, fetch, table walk, DMA
 * read) is compared byte by byte with it. A read that returns anything else is a {@link Violation}: the
 * program order says the reader should have seen the last write, and it did not. Reads answered by an
 * MMIO window are not compared (devices are not memory). The oracle shares no code with the caches:
 * line and maintenance events are used only to EXPLAIN a violation, never to decide one.
 *
 * <p>Expected values of never-written bytes: zero (RAM's reset contents in this model), unless the
 * caller {@link #seed seeds} them (e.g. a ROM image) or turns on {@link #learnUnwritten(boolean)}, in
 * which case the first read of a never-written byte is taken as ground truth.
 *
 * <p>Modes: {@link Mode#RECORD_ALL} keeps every violation (up to {@link #maxRecorded(int)}, counting
 * the rest); {@link Mode#STOP_AT_FIRST} records the first and then stops checking reads (writes are
 * still applied). Either way the oracle never throws from a callback: callers poll {@link #violated()}.
 *
 * <p>Cost: a read of up to 8 bytes is one page lookup (a direct-mapped cache of pages makes it two
 * loads) and one masked 8-byte compare (a byte loop only on a mismatch, for 16-byte or page-straddling
 * reads, or when learning); an aligned doubleword write is one 8-byte store, one granule stamp and one
 * history record; a line event is a chunk lookup and a few stores. No event hashes (all tables are
 * radix-indexed by physical address, see {@link ChunkDirectory}). Measured fed directly (JIT-warm,
 * shared 2-core machine): about 2 ns per 8-byte read, 7 ns per line event and 13 ns per 8-byte write.
 * Nothing is allocated per event except when a violation is recorded, and when a page, chunk or slab
 * is touched for the first time. Memory: 2 bytes per written byte (value + one 8-byte stamp per
 * 8-byte granule; 10 for granules written in narrower pieces; the value only once a page holds a
 * nonzero byte) plus the bounded write history ({@code historyDepth} records per written line, 8
 * bytes per record, 16 or 24 once the line's slab holds nonzero bytes there): measured 68 MiB of heap
 * for 16 MiB written in 8-byte stores of nonzero values with the default depth 8 (about 4.2 bytes per
 * byte), 36 MiB for 16 MiB of zeros (a memset, a page being zeroed: 2.2); a smaller depth trades
 * attribution of older values for memory.
 *
 * <p>Simplification: the Armv8 memory model is not sequentially consistent (without barriers a read
 * may legitimately see an older value of another observer's write: the Arm ARM's "Definition of the
 * Armv8 memory model"); the oracle expects the last write in EVENT order. The simulator performs each access
 * atomically, one at a time, in that order (no store buffers, no reordering), so every difference the
 * oracle reports comes from the caches and the attributes (the loss of coherency the architecture
 * leaves to software maintenance), never from ordering the model does not produce.
 *
 * <p>Not thread-safe: the memory system delivers events from one thread.
 */
public final class CoherenceOracle implements MemoryObserver {

    /** What to do once a violation is found. */
    public enum Mode { RECORD_ALL, STOP_AT_FIRST }

    /** Default depth of the per-line write history. */
    public static final int DEFAULT_HISTORY_DEPTH = 8;
    /** Default cap on recorded violations in {@link Mode#RECORD_ALL} (the rest are only counted). */
    public static final int DEFAULT_MAX_RECORDED = 10_000;

    /** 256 zero bytes (the longest line), never written: the source of a zero line's bytes. */
    private static final byte[] ZEROS = new byte[256];

    private final Agents agents;
    private final int lineSize;
    private final FlatMemory memory = new FlatMemory();
    private final WriteHistory history;
    private final LineTracker lines;
    private final Explainer explainer;
    private final List<Violation> violations = new ArrayList<>();

    private Mode mode = Mode.RECORD_ALL;
    private boolean learnUnwritten;
    private int maxRecorded = DEFAULT_MAX_RECORDED;
    private ReaderContext readerContext;
    private boolean stopped;
    private long[] ignoredStart = new long[0];
    private long[] ignoredEnd = new long[0];
    /**
     * The page number of the page onWrite stored into last (-1: none) and that page (pages never move
     * or go away): rewriting a page, as a delay loop or a memset does, looks nothing up.
     */
    private long lastPn = -1;
    private FlatMemory.Page lastPage;

    private long readsChecked;
    private long bytesChecked;
    private long mmioReadsSkipped;
    private long writesSeen;
    private long lineEvents;
    private long maintenanceOps;
    private long violationCount;
    private long leakCount;

    /**
     * @param agents   the registry naming agents and their security domains (the memory system's)
     * @param lineSize the memory system's cache line size in bytes (a power of two, 16..256)
     */
    public CoherenceOracle(Agents agents, int lineSize) {
        this(agents, lineSize, DEFAULT_HISTORY_DEPTH);
    }

    /**
     * @param historyDepth how many past writes per line are kept to attribute old values (1..64)
     */
    public CoherenceOracle(Agents agents, int lineSize, int historyDepth) {
        if (agents == null) throw new IllegalArgumentException("agents must not be null");
        if (lineSize < 16 || lineSize > 256 || Integer.bitCount(lineSize) != 1) {
            throw new IllegalArgumentException("line size must be a power of two in 16..256, got " + lineSize);
        }
        this.agents = agents;
        this.lineSize = lineSize;
        this.history = new WriteHistory(historyDepth, lineSize);
        this.lines = new LineTracker(lineSize);
        this.explainer = new Explainer(lines);
    }

    // ------------------------------------------------------------------------------------ configuration

    /** Sets the mode; returns this. */
    public CoherenceOracle mode(Mode newMode) {
        if (newMode == null) throw new IllegalArgumentException("mode must not be null");
        this.mode = newMode;
        return this;
    }

    public Mode mode() { return mode; }

    /** If true, the first read of a never-written, unseeded byte defines its expected value. Returns this. */
    public CoherenceOracle learnUnwritten(boolean learn) {
        this.learnUnwritten = learn;
        return this;
    }

    /** Caps the number of violations kept in {@link Mode#RECORD_ALL} (further ones are counted only). */
    public CoherenceOracle maxRecorded(int max) {
        if (max < 1) throw new IllegalArgumentException("maxRecorded must be >= 1, got " + max);
        this.maxRecorded = max;
        return this;
    }

    /** Installs the callback that describes a reader's context in violations (null for none). Returns this. */
    public CoherenceOracle readerContext(ReaderContext context) {
        this.readerContext = context;
        return this;
    }

    /**
     * Declares the initial contents of {@code bytes.length} bytes at {@code pa} (e.g. a ROM image or RAM
     * preloaded without events). Seeded bytes are "initial contents", attributed to nobody.
     */
    public void seed(long pa, byte[] bytes) {
        if (bytes == null) throw new IllegalArgumentException("seed bytes must not be null");
        if (pa < 0 || pa + bytes.length < pa) throw new IllegalArgumentException(String.format("bad seed range at pa 0x%x", pa));
        memory.store(pa, bytes, 0, bytes.length, Stamp.INITIAL);
    }

    /**
     * Stops tracking [{@code paStart}, {@code paEnd}) (judged by an access's first byte): writes there
     * are not applied and reads not compared. For windows whose contents change without memory writes,
     * e.g. a CFI flash ROM whose writes are commands to a device (the memory system still reports them
     * as writes). Returns this.
     */
    public CoherenceOracle ignoreRange(long paStart, long paEnd) {
        if (paStart < 0 || paEnd <= paStart) {
            throw new IllegalArgumentException(String.format("bad ignored range [0x%x, 0x%x)", paStart, paEnd));
        }
        ignoredStart = java.util.Arrays.copyOf(ignoredStart, ignoredStart.length + 1);
        ignoredEnd = java.util.Arrays.copyOf(ignoredEnd, ignoredEnd.length + 1);
        ignoredStart[ignoredStart.length - 1] = paStart;
        ignoredEnd[ignoredEnd.length - 1] = paEnd;
        return this;
    }

    private boolean ignored(long pa) {
        for (int i = 0; i < ignoredStart.length; i++) {
            if (pa >= ignoredStart[i] && pa < ignoredEnd[i]) return true;
        }
        return false;
    }

    // ------------------------------------------------------------------------------------ results

    /** True once at least one violation was found (poll this to stop a run at the first). */
    public boolean violated() { return violationCount > 0; }

    /** The recorded violations, oldest first (unmodifiable view). */
    public List<Violation> violations() { return Collections.unmodifiableList(violations); }

    /** The first violation, or null. */
    public Violation first() { return violations.isEmpty() ? null : violations.get(0); }

    public long readsChecked() { return readsChecked; }

    public long bytesChecked() { return bytesChecked; }

    public long mmioReadsSkipped() { return mmioReadsSkipped; }

    public long writesSeen() { return writesSeen; }

    public long lineEvents() { return lineEvents; }

    public long maintenanceOps() { return maintenanceOps; }

    /** Violations found (recorded or not). */
    public long violationCount() { return violationCount; }

    /** Violations that were leaks across security domains. */
    public long leakCount() { return leakCount; }

    /** Pages of reference memory allocated (4 KiB each). */
    public int pagesAllocated() { return memory.pageCount(); }

    /** The attribution {@link Stamp} of the byte at {@code pa} (0 if never written or seeded); for tests. */
    long expectedStampForTest(long pa) { return memory.stamp(pa); }

    /** The value the oracle expects at {@code pa} (a byte; 0 if never written or seeded). */
    public byte expectedByte(long pa) { return memory.value(pa); }

    /** A multi-line report: counters, then one line per recorded violation (at most {@code maxLines}). */
    public String summary(int maxLines) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("coherence oracle: %d reads checked (%d bytes; %d MMIO reads not compared), %d writes, "
                + "%d line events, %d maintenance ops%n", readsChecked, bytesChecked, mmioReadsSkipped, writesSeen,
                lineEvents, maintenanceOps));
        if (violationCount == 0) {
            b.append("no violation: every read saw the last write");
            return b.toString();
        }
        b.append(String.format("%d violation%s (%d stale, %d leak%s)%s", violationCount, violationCount == 1 ? "" : "s",
                violationCount - leakCount, leakCount, leakCount == 1 ? "" : "s",
                stopped ? "; stopped at the first" : ""));
        int n = Math.min(maxLines, violations.size());
        for (int i = 0; i < n; i++) b.append('\n').append("  ").append(violations.get(i).oneLine());
        if (violations.size() > n) b.append('\n').append("  ... ").append(violations.size() - n).append(" more recorded");
        if (violationCount > violations.size()) {
            b.append('\n').append("  ... ").append(violationCount - violations.size()).append(" more not recorded");
        }
        return b.toString();
    }

    /** {@link #summary(int)} with up to 20 violation lines. */
    public String summary() { return summary(20); }

    // ------------------------------------------------------------------------------------ events

    @Override
    public void onWrite(long seq, int pe, int agent, int kind, long pa, int size, int attrs, long lo, long hi) {
        if (ignoredStart.length != 0 && ignored(pa)) return;
        writesSeen++;
        long stamp = Stamp.written(seq, agent, pe, attrs);
        int off = (int) (pa & FlatMemory.PAGE_MASK);
        if (size == 8 && (off & 7) == 0) {
            // Common case (an aligned doubleword store): one page, one 8-byte store, one granule stamp.
            FlatMemory.Page page = (pa >>> FlatMemory.PAGE_SHIFT) == lastPn ? lastPage : writePage(pa);
            byte[] value = page.value;
            if (value != null) FlatMemory.LONG_LE.set(value, off, lo);
            else if (lo != 0) FlatMemory.LONG_LE.set(page.values(), off, lo); // (a page of zeros has none)
            page.granule[off >>> FlatMemory.GRANULE_SHIFT] = stamp;
        } else if (size == 16 && (off & 7) == 0 && off + 16 <= FlatMemory.PAGE_SIZE) {
            // A pair of doublewords (STP, DC ZVA and bulk-copy pieces): two whole granules.
            FlatMemory.Page page = (pa >>> FlatMemory.PAGE_SHIFT) == lastPn ? lastPage : writePage(pa);
            byte[] value = page.value;
            if (value == null && (lo | hi) != 0) value = page.values();
            if (value != null) {
                FlatMemory.LONG_LE.set(value, off, lo);
                FlatMemory.LONG_LE.set(value, off + 8, hi);
            }
            page.granule[off >>> FlatMemory.GRANULE_SHIFT] = stamp;
            page.granule[(off >>> FlatMemory.GRANULE_SHIFT) + 1] = stamp;
        } else if ((off & (FlatMemory.GRANULE - 1)) + size <= FlatMemory.GRANULE) {
            // A narrower store inside one granule (a word, a halfword, a byte): the granule's bytes
            // get stamps of their own.
            FlatMemory.Page page = (pa >>> FlatMemory.PAGE_SHIFT) == lastPn ? lastPage : writePage(pa);
            byte[] value = page.value;
            if (value == null && (lo & ((1L << (size << 3)) - 1)) != 0) value = page.values(); // (size < 8 here)
            if (value != null) {
                if (size == 4) {
                    // (plain stores: C1 leaves a VarHandle call not linked when compiled out of line)
                    value[off] = (byte) lo;
                    value[off + 1] = (byte) (lo >>> 8);
                    value[off + 2] = (byte) (lo >>> 16);
                    value[off + 3] = (byte) (lo >>> 24);
                } else {
                    for (int i = 0; i < size; i++) value[off + i] = (byte) (lo >>> (i << 3));
                }
            }
            long[] byteStamp = page.byteStamp;
            if (byteStamp != null && page.granule[off >>> FlatMemory.GRANULE_SHIFT] == FlatMemory.MIXED) {
                // The granule already keeps per-byte stamps (a field rewritten in place, as a delay
                // loop's counter): just this write's bytes.
                for (int i = 0; i < size; i++) byteStamp[off + i] = stamp;
            } else {
                page.stampInGranule(off, size, stamp);
            }
        } else if (size > 16 && off + size <= FlatMemory.PAGE_SIZE) {
            // A whole line of zeros (DC ZVA, see MemoryObserver.onWrite): one fill, one stamp run.
            FlatMemory.Page page = (pa >>> FlatMemory.PAGE_SHIFT) == lastPn ? lastPage : writePage(pa);
            byte[] value = page.value;
            if (value != null) System.arraycopy(ZEROS, 0, value, off, size); // (a line: at most 256 bytes)
            page.stamp(off, size, stamp);
        } else {
            storeBytes(pa, size, lo, hi, stamp);
        }
        // A zero line is one record of its size: byteOf reads its bytes past 16 as 0.
        history.record(seq, agent, pe, kind, attrs, pa, size, lo, hi);
    }

    /** The page of {@code pa} (allocated if absent), remembered as the last page written ({@code lastPn}). */
    private FlatMemory.Page writePage(long pa) {
        FlatMemory.Page page = memory.page(pa);
        lastPn = pa >>> FlatMemory.PAGE_SHIFT;
        lastPage = page;
        return page;
    }

    /** A write other than an aligned doubleword: byte by byte, one stamp run per page. */
    private void storeBytes(long pa, int size, long lo, long hi, long stamp) {
        int off = (int) (pa & FlatMemory.PAGE_MASK);
        if (off + size <= FlatMemory.PAGE_SIZE) {
            // One page: the bytes, then one stamp run (granules covered whole stay uniform).
            FlatMemory.Page page = memory.page(pa);
            byte[] value = page.values();
            for (int i = 0; i < size; i++) value[off + i] = byteOf(lo, hi, i);
            page.stamp(off, size, stamp);
        } else {
            for (int i = 0; i < size; i++) memory.store(pa + i, byteOf(lo, hi, i), stamp);
        }
    }

    @Override
    public void onRead(long seq, int pe, int agent, int kind, long pa, int size, int attrs, long lo, long hi,
            int source) {
        if (Source.place(source) == Source.MMIO) {
            mmioReadsSkipped++;
            return;
        }
        if (stopped || (ignoredStart.length != 0 && ignored(pa))) return;
        readsChecked++;
        bytesChecked += size;
        int off = (int) (pa & FlatMemory.PAGE_MASK);
        if (size <= 8 && off + 8 <= FlatMemory.PAGE_SIZE && !learnUnwritten) {
            /*
             * Fast path: compare the bytes as one masked word. Never-stored bytes hold 0 in the page
             * (and a missing page reads as 0), which is exactly their expected value when the oracle
             * does not learn initial contents, so no stamp needs to be looked at unless they differ.
             */
            byte[] values = memory.valuesOrNull(pa);
            long expected = values == null ? 0L : (long) FlatMemory.LONG_LE.get(values, off);
            long mask = size == 8 ? -1L : (1L << (size << 3)) - 1;
            if (((expected ^ lo) & mask) == 0) return;
        }
        checkBytes(seq, pe, agent, kind, pa, size, attrs, lo, hi, source);
    }

    /**
     * True if reading these bytes now would pass {@link #onRead}'s check and change nothing (see
     * {@link MemoryObserver#readWouldPass}): every byte equals its expected value (0 if never written).
     * Conservative: false when the oracle learns unwritten bytes or ignores ranges, or for a range that
     * is not whole 8-byte words inside one page. Fetches the memory system then leaves out are not
     * counted in {@link #readsChecked()}: a verified line counts as one check.
     */
    @Override
    public boolean readWouldPass(long pa, byte[] bytes, int off, int len) {
        if (stopped) return true; // onRead checks nothing any more
        if (learnUnwritten || ignoredStart.length != 0) return false;
        int pageOff = (int) (pa & FlatMemory.PAGE_MASK);
        if ((pa & 7) != 0 || (len & 7) != 0 || pageOff + len > FlatMemory.PAGE_SIZE || off < 0 || off + len > bytes.length) {
            return false;
        }
        byte[] values = memory.valuesOrNull(pa);
        for (int i = 0; i < len; i += 8) {
            long expected = values == null ? 0L : (long) FlatMemory.LONG_LE.get(values, pageOff + i);
            if (expected != (long) FlatMemory.LONG_LE.get(bytes, off + i)) return false;
        }
        readsChecked++;
        bytesChecked += len;
        return true;
    }

    /** The byte-by-byte comparison (a mismatch, a 16-byte or page-straddling read, or learning). */
    private void checkBytes(long seq, int pe, int agent, int kind, long pa, int size, int attrs, long lo, long hi,
            int source) {
        for (int i = 0; i < size; i++) {
            long bytePa = pa + i;
            byte seen = byteOf(lo, hi, i);
            FlatMemory.Page page = memory.pageOrNull(bytePa);
            int o = (int) (bytePa & FlatMemory.PAGE_MASK);
            long stamp = page == null ? 0L : page.stamp(o);
            if (stamp == 0L) {
                if (learnUnwritten) {
                    memory.store(bytePa, seen, Stamp.INITIAL);
                } else if (seen != 0) {
                    recordViolation(seq, pe, agent, kind, pa, size, attrs, lo, hi, source, i);
                    return;
                }
            } else if (page.value(o) != seen) {
                recordViolation(seq, pe, agent, kind, pa, size, attrs, lo, hi, source, i);
                return;
            }
        }
    }

    @Override
    public void onLine(long seq, int event, int cache, long linePa, int fromState, int toState, int cause,
            int agent) {
        lineEvents++;
        // A write hit on a line already dirty (UPDATE, DIRTY -> DIRTY) changes nothing the tracker keeps
        // to explain with (state, fill, write-backs, discards; the write itself is in the history): skip
        // it, the most frequent line event (the memory system does not even deliver it: see
        // wantsDirtyUpdates). A line's "last event" is then the one that made it dirty.
        if (event == LineEvent.UPDATE && fromState == LineState.DIRTY && toState == LineState.DIRTY) return;
        lines.onLine(seq, event, cache, linePa, toState, cause, agent);
    }

    /** No: the tracker keeps nothing from them (see onLine). */
    @Override
    public boolean wantsDirtyUpdates() {
        return false;
    }

    @Override
    public void onMaintenance(long seq, int pe, int agent, int op, long operand) {
        maintenanceOps++;
        lines.onMaintenance(seq, pe, agent, op, operand);
    }

    // ------------------------------------------------------------------------------------ violation path

    private void recordViolation(long seq, int pe, int agent, int kind, long pa, int size, int attrs, long lo,
            long hi, int source, int firstBad) {
        long expLo = 0;
        long expHi = 0;
        for (int i = 0; i < size && i < 16; i++) {
            long v = memory.value(pa + i) & 0xffL;
            if (i < 8) expLo |= v << (8 * i);
            else expHi |= v << (8 * (i - 8));
        }
        long mismatchPa = pa + firstBad;
        long expStamp = memory.stamp(mismatchPa);
        WriteRef expectedWriter = writeRef(expStamp, mismatchPa);
        WriteRef seenWriter = seenWriter(mismatchPa, byteOf(lo, hi, firstBad), seq);
        int readerDomain = agents.domain(agent);
        boolean leak = isLeak(seenWriter, readerDomain);
        Explainer.Result why = explainer.explain(pe, kind, attrs, mismatchPa, source, expectedWriter, seenWriter,
                agents);
        String context = null;
        if (readerContext != null) {
            try {
                context = readerContext.describe(agent, pe, seq);
            } catch (RuntimeException e) {
                context = "(reader context failed: " + e + ")";
            }
        }
        Violation v = new Violation(leak ? Verdict.LEAK : Verdict.STALE, seq, agent, agents.name(agent), readerDomain,
                context, pe, kind, pa, size, attrs, lo, hi, expLo, expHi, mismatchPa, source, seenWriter,
                expectedWriter, why.mechanism(), why.text(), lines.describeLine(mismatchPa));
        violationCount++;
        if (leak) leakCount++;
        if (violations.size() < maxRecorded) violations.add(v);
        if (mode == Mode.STOP_AT_FIRST) stopped = true;
    }

    /**
     * A stale value is a LEAK when it was written by an agent of another VM's security domain than the
     * reader's. Values written by the host domain (the VMM loading an image, the host zeroing a page)
     * are meant for the guest that owns the page: seeing an OLDER host value is a stale read, not a leak
     * (mission table, S3: STALE); likewise the host reading a guest's old data is stale (the host owns
     * all memory). So: writer and reader in different domains, neither of them the host's.
     */
    static boolean isLeak(WriteRef seenWriter, int readerDomain) {
        return seenWriter.origin() == WriteRef.Origin.WRITE && seenWriter.domain() != readerDomain
                && seenWriter.domain() != Agents.HOST_DOMAIN && readerDomain != Agents.HOST_DOMAIN;
    }

    private WriteRef writeRef(long stamp, long bytePa) {
        if (!Stamp.isWritten(stamp)) return WriteRef.INITIAL;
        int agent = Stamp.agent(stamp);
        long seq = Stamp.seq(stamp);
        return new WriteRef(WriteRef.Origin.WRITE, seq, agent, agents.name(agent), agents.domain(agent),
                Stamp.pe(stamp), history.kindOfWriteAt(bytePa, seq), Stamp.attrs(stamp));
    }

    private WriteRef seenWriter(long bytePa, byte seen, long readSeq) {
        long rec = history.findWriteOf(bytePa, seen, readSeq);
        if (rec >= 0) {
            int agent = history.agent(rec);
            return new WriteRef(WriteRef.Origin.WRITE, history.seq(rec), agent, agents.name(agent),
                    agents.domain(agent), history.pe(rec), history.kind(rec), history.attrs(rec));
        }
        /*
         * No recorded write produced this byte. If the history of the line is complete (nothing dropped),
         * the value predates every write: initial contents. Otherwise an older write may have produced it.
         */
        return history.complete(bytePa) ? WriteRef.INITIAL : WriteRef.UNKNOWN;
    }

    /** Byte {@code i} of a little-endian 16-byte value (bytes past 16 read as zero, e.g. a DC ZVA block). */
    static byte byteOf(long lo, long hi, int i) {
        if (i < 8) return (byte) (lo >>> (i << 3));
        if (i < 16) return (byte) (hi >>> ((i - 8) << 3));
        return 0;
    }

    int lineSize() { return lineSize; }
}
