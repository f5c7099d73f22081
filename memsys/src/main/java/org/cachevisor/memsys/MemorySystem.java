package org.cachevisor.memsys;

import java.util.Arrays;

/**
 * The memory system of one machine: the address map (RAM is the PoC), per PE an L1D and an L1I,
 * one shared unified L2 (the PoU), hardware coherency among the PEs' cacheable accesses, cache
 * maintenance, the {@link Adversary}, and the event stream to {@link MemoryObserver}s.
 *
 * <h2>Rules (see docs "arm-notes.md", Caches and maintenance)</h2>
 * <ul>
 *   <li>Write-Back: read- and write-allocate; dirty lines are written back on eviction (L1D to L2,
 *   L2 to RAM). Write-Through: reads allocate; writes update present lines (state unchanged) and
 *   RAM; no write-allocate.</li>
 *   <li>Non-cacheable and Device accesses, and any access by {@code pe = -1}, go to RAM (the PoC)
 *   and neither look up nor update any cache (the strict behaviour the architecture permits).</li>
 *   <li>Cacheable accesses of PEs are coherent (they are all Inner Shareable here): a read looks in
 *   its own L1D, then snoops the other L1Ds (any copy supplies the data: a dirty one is also written
 *   back to the L2 and stays clean; a clean one is forwarded as it is, as interconnects that forward
 *   from a clean sharer do, so a clean stale copy another PE holds after a mismatched-attribute write
 *   is returned: the behaviour the Arm ARM permits that exposes missing maintenance), then the L2,
 *   then RAM (filling the L2 on the way); a write removes every
 *   other L1D's copy (taking a dirty copy's data) and makes its own line dirty. Invariant: at most
 *   one L1D holds a line dirty, and then no other L1D holds it.</li>
 *   <li>Instruction fetch goes through the PE's L1I, filled from the L2 or RAM, NOT coherent with
 *   the L1Ds unless {@link MemConfig#idc()}: then the fill snoops the L1Ds first. With
 *   {@link MemConfig#dic()} a cacheable data write removes the line from every L1I. L1I lines are
 *   only ever clean. A Non-cacheable fetch reads RAM.</li>
 *   <li>Every line state change is looked up in {@link LineTransitions} and carried out by
 *   {@link #apply}.</li>
 * </ul>
 *
 * <p>Caches are non-inclusive: an L2 eviction does not remove L1 copies (a clean L1 copy then
 * equals RAM, a dirty one is still the newest data), and an L1 write-back allocates in the L2.
 *
 * <p>Simplification: the architecture keeps cacheable accesses coherent only within their
 * shareability domain (a Non-shareable cacheable access need not be coherent with other PEs); we
 * treat every cacheable access of every PE as Inner Shareable, coherent with all PEs. The platform
 * has one Inner Shareable domain holding all PEs and maps RAM Inner Shareable (host linear map,
 * VMM mapping), so the accesses the oracle checks behave the same; a guest that maps memory
 * Non-shareable gets coherence it may not rely on, which can hide but never invent a stale read.
 *
 * <p>Simplification: with CTR_EL0.IDC = 1, hardware lets an L1I fill observe data still in the
 * D-side caches without changing them; we get it by a SNOOP_READ of the L1Ds, so a dirty owner is
 * also written back to the L2 and kept clean. The data every agent reads is the same; only the
 * L2's line state differs (dirty instead of absent), which no access can observe.
 *
 * <h2>Accesses and events</h2>
 * An access is split into per-line chunks; each chunk produces one {@code onRead}/{@code onWrite}
 * event naming the single place its bytes came from, after the line events it caused. MMIO
 * accesses are never split and go whole to the window's handler. {@link #seq()} counts every event
 * whether or not an observer is attached (a whole line zeroed by DC ZVA is one ZERO write event that
 * counts as the lineSize / 16 16-byte writes it stands for: {@link #emitZeroLine}), so the clock
 * (and the adversary's script) is the same with and without observers. Checks of arguments and of the address map happen before any state
 * changes (the adversary included).
 *
 * <p>Not thread-safe: the machine runs its PEs in one thread, interleaved deterministically.
 *
 * <h2>Fast paths</h2>
 * {@link #read}, {@link #write} and {@link #fetch32} first try a fast path, taken only when nobody
 * observes, no adversary action is due (neither the random countdown nor the script) and the access
 * is a legal size inside one line; everything else goes to the slow path, which checks the arguments
 * and the address map and runs the full transition machinery. A fast path does exactly what the slow
 * path would do for that access, including the event clock ({@link #seq}, {@link #advCountdown}), so
 * attaching an observer or not never changes the state, the clock or the adversary's schedule:
 * <ul>
 *   <li>cacheable read/fetch hitting the PE's L1D/L1I (any state): seq + 1 (the onRead event);</li>
 *   <li>Write-Back write hitting a DIRTY line of the PE's L1D (cell (DIRTY, LOCAL_WRITE): stays
 *   DIRTY, MERGE_DATA, reports UPDATE): seq + 2 (UPDATE and onWrite); likewise a CLEAN line of RAM that no
 *   other L1D holds (cell (CLEAN, LOCAL_WRITE): becomes DIRTY, the snoop has nothing to do);</li>
 *   <li>Non-cacheable or Device read/write/fetch of a RAM page in the {@code ncPage} memo: straight
 *   to the page's bytes, seq + 1 (onRead or onWrite).</li>
 * </ul>
 * With CTR_EL0.DIC = 1 a data write must also remove the line from every L1I; the fast write paths
 * are then taken only if no L1I holds the line (nothing to remove, no line event).
 *
 * <p>A PE's interpreter loop reaches the same fast paths without the slow path's call behind them:
 * {@link #tryReadCached} and {@link #tryWrite} (true if a fast path applied, else nothing changed),
 * and for a Non-cacheable page it keeps with its translation the page's bytes
 * ({@link #ncPageHandle}), checks {@link #fastAccessAllowed} and calls {@link #ncPageRead} /
 * {@link #ncPageWrite}. {@code FastPathProperties} checks all of these against the slow path.
 *
 * <p>Each L1 remembers its last hit ({@link Cache#lookup}), re-validated by the tag, so a run of
 * accesses to one line costs one compare instead of a way scan. The RAM page memo is a
 * direct-mapped table of {@value #NC_PAGES} allocated RAM pages (page PA -> the page's bytes); it
 * never needs invalidating because regions are never removed from the address map, a SparseRam
 * page once allocated stays the same array, and regions never overlap (a memoized page is RAM for
 * good). Pages never written are not memoized (they read as zeros through the slow path).
 */
public final class MemorySystem {
    /** The L2's cache id (the {@link Source} packing of place L2). */
    public static final int L2_ID = Source.L2;

    /** Cache id of PE {@code pe}'s L1D. */
    public static int l1dId(int pe) { return Source.cache(Source.L1D, pe, 0); }

    /** Cache id of PE {@code pe}'s L1I. */
    public static int l1iId(int pe) { return Source.cache(Source.L1I, pe, 0); }

    private static final int I = LineState.INVALID, D = LineState.DIRTY;
    /** Bit n set = n is a legal size for read/write (1, 2, 4, 8). */
    private static final int LEGAL_SIZES = (1 << 1) | (1 << 2) | (1 << 4) | (1 << 8);
    /** Entries of the direct-mapped RAM page memo of the Non-cacheable fast path (a power of two). */
    static final int NC_PAGES = 64;

    private final MemConfig config;
    private final Agents agents;
    private final AddressMap map;
    private final Adversary adversary;
    private final int peCount;
    private final int lineShift;
    private final int lineSize;
    private final int lineOffMask;
    private final Cache[] l1d;
    private final Cache[] l1i;
    private final Cache l2;
    private final int[] l1iGeneration;
    /** CTR_EL0.DIC (a copy of the config's, read on every fast write). */
    private final boolean dic;
    /** The RAM page memo: entry e holds the page with PA ncPagePa[e] (or -1: empty), its bytes in ncPage[e]. */
    private final long[] ncPagePa = new long[NC_PAGES];
    private final byte[][] ncPage = new byte[NC_PAGES][];
    private final byte[] lineBuf;
    private final byte[] scratch16 = new byte[16];
    /** {@link #tryReadCached}'s result. */
    private long fastValue;

    private MemoryObserver[] observers = new MemoryObserver[0];
    private boolean observed;
    /** TEST ONLY (false): observed accesses skip the observed fast paths, to compare their events with the slow path's. */
    boolean observedFastPaths = true;

    /** The event clock: the number of events so far. */
    long seq;
    /** Accesses left until the adversary's next random action (see {@link Adversary}). */
    int advCountdown = Integer.MAX_VALUE;
    /** The seq of the adversary's next scripted action, or Long.MAX_VALUE; set with {@link #setNextScriptSeq}. */
    private long nextScriptSeq = Long.MAX_VALUE;
    /**
     * The fast paths are allowed while {@code seq < fastSeqLimit}: {@link #nextScriptSeq} with nobody
     * observing, Long.MIN_VALUE (never) once an observer is attached. One compare for two conditions.
     */
    private long fastSeqLimit = Long.MAX_VALUE;

    // Per-chunk results and merge operands (single-threaded scratch, so the paths allocate nothing).
    private int chunkSource;
    private long chunkHi;
    private int mergeOff;
    private int mergeSize;
    private long mergeLo;
    private long mergeHi;
    private int appliedSlot;

    /**
     * Builds the caches of {@code config} (all lines invalid) and an empty address map; registers the
     * PEs as agents 0..peCount-1 ("PE0"...) in the host domain, then the adversary's agent.
     */
    public MemorySystem(MemConfig config) {
        if (config == null) throw new IllegalArgumentException("config must not be null");
        this.config = config;
        this.peCount = config.peCount();
        this.lineShift = config.lineShift();
        this.lineSize = config.lineSize();
        this.lineOffMask = lineSize - 1;
        this.l1d = new Cache[peCount];
        this.l1i = new Cache[peCount];
        for (int pe = 0; pe < peCount; pe++) {
            l1d[pe] = new Cache(Source.L1D, pe, config.l1d(), lineShift);
            l1i[pe] = new Cache(Source.L1I, pe, config.l1i(), lineShift);
        }
        this.l2 = new Cache(Source.L2, -1, config.l2(), lineShift);
        this.l1iGeneration = new int[peCount];
        Arrays.fill(watchedLinePa, Cache.NO_LINE);
        this.watchedBytes = new byte[WATCH_SLOTS << lineShift];
        this.lineBuf = new byte[lineSize];
        this.map = new AddressMap(config.paBits());
        this.agents = new Agents();
        for (int pe = 0; pe < peCount; pe++) agents.register(Agents.Kind.PE, "PE" + pe, Agents.HOST_DOMAIN);
        this.adversary = new Adversary(this, agents.register(Agents.Kind.ADVERSARY, "adversary", Agents.HOST_DOMAIN));
        this.dic = config.dic();
        Arrays.fill(ncPagePa, -1L);
    }

    public MemConfig config() { return config; }

    public Agents agents() { return agents; }

    public AddressMap map() { return map; }

    public Adversary adversary() { return adversary; }

    /** The event clock: how many events have happened (the next event gets this number). */
    public long seq() { return seq; }

    /**
     * Whether some observer wants the UPDATE line events that leave a line DIRTY (a write hit on a dirty
     * line: {@link MemoryObserver#wantsDirtyUpdates}). When none does they are not delivered, but their
     * seq is still used, so the clock and every other event are the same either way.
     */
    private boolean dirtyUpdatesWanted;

    /** Attaches an observer; from now on every event is delivered to it, in order. */
    public void addObserver(MemoryObserver o) {
        if (o == null) throw new IllegalArgumentException("observer must not be null");
        observers = Arrays.copyOf(observers, observers.length + 1);
        observers[observers.length - 1] = o;
        observed = true;
        if (o.wantsDirtyUpdates()) dirtyUpdatesWanted = true;
        fastSeqLimit = Long.MIN_VALUE;
        // Lines PEs copied while nobody watched were not verified by the new observer: drop them.
        Arrays.fill(watchedLinePa, Cache.NO_LINE);
        bumpL1iGenerations();
    }

    // ---- fetch-line watch (see peekFetchLine): direct-mapped by line PA
    private static final int WATCH_SLOTS = 1 << 10;
    private final long[] watchedLinePa = new long[WATCH_SLOTS];
    /** Per watch slot, the bytes of the watched line that the observers passed. */
    private final byte[] watchedBytes;

    private int watchSlot(long linePa) {
        return (int) ((linePa >>> lineShift) * 0x9E3779B97F4A7C15L >>> 54) & (WATCH_SLOTS - 1);
    }

    /** Ends every PE's copies of L1I lines (their next fetch of any line goes through the memory system). */
    private void bumpL1iGenerations() {
        for (int i = 0; i < l1iGeneration.length; i++) l1iGeneration[i]++;
    }

    /**
     * For a PE that keeps copies of L1I lines to fetch from without an access per instruction: copies the
     * line holding {@code pa} from PE {@code pe}'s L1I into {@code dst} and returns true if the PE may do so.
     * Unobserved: whenever the L1I holds the line (the copy is good until {@link #l1iGeneration} changes).
     * Observed: also only if every observer says the reads would pass ({@link MemoryObserver#readWouldPass});
     * the line is then watched, and the first write to it (any agent, any path: every write reaches
     * {@link #emitWrite}) changes every PE's L1I generation, as does losing the watch to another line.
     * The observers are not asked again while the line stays watched and the L1I still holds the bytes
     * they passed (their answer depends only on those bytes and on writes).
     * No access, no event, no state change of the caches.
     */
    public boolean peekFetchLine(int pe, long pa, byte[] dst) {
        long linePa = pa & ~(long) lineOffMask;
        Cache c = l1i[pe];
        int slot = c.find(linePa);
        if (slot < 0) return false;
        System.arraycopy(c.data, slot << lineShift, dst, 0, lineSize);
        if (!observed) return true;
        return verifiedAndWatched(linePa, dst);
    }

    /**
     * The Non-cacheable counterpart of {@link #peekFetchLine}, with observers attached only: copies the RAM
     * line holding {@code pa} into {@code dst} and returns true if every observer says fetches from it would
     * pass; the line is then watched as for peekFetchLine, and RAM changes only through events that end the
     * watch (a write, a write-back from the L2, {@link #ramPoke}). A PE fetching from the copy must account
     * each fetch with {@link #tryTickFetch} (a fetch the memory system does not see still has its clock tick).
     * False (nothing copied) when nobody observes, for a line outside RAM or a RAM page never written.
     * No access, no event, no state change of the caches.
     */
    public boolean peekFetchLineNc(long pa, byte[] dst) {
        if (!observed) return false;
        long linePa = pa & ~(long) lineOffMask;
        byte[] page = ncPageOf(linePa);
        if (page == null) {
            AddressMap.Region r = map.find(linePa);
            if (r == null || r.kind() != AddressMap.Kind.RAM) return false;
            page = r.ram.pageOrNull(linePa - r.basePa());
            if (page == null) return false;
        }
        System.arraycopy(page, (int) linePa & SparseRam.PAGE_MASK, dst, 0, lineSize);
        return verifiedAndWatched(linePa, dst);
    }

    /**
     * The clock of a Non-cacheable fetch a PE makes from a copy {@link #peekFetchLineNc} verified: what the
     * observed fast path of {@link #fetch32} does for it (the adversary's tick, seq + 1 for the onRead event,
     * which is not delivered: the observers said it would pass), if no adversary action is due; else false,
     * nothing changed, and the PE must fetch through fetch32.
     */
    public boolean tryTickFetch() {
        if (advCountdown > 1 && seq < nextScriptSeq) {
            advCountdown--;
            seq++;
            return true;
        }
        return false;
    }

    /** The observed part of the peeks: every observer passes {@code bytes} of line linePa, which is then watched. */
    private boolean verifiedAndWatched(long linePa, byte[] dst) {
        int w = watchSlot(linePa);
        long old = watchedLinePa[w];
        int verified = w << lineShift;
        // Still watched (nobody wrote the line since the observers passed these bytes) and the same
        // bytes: the observers' answer cannot have changed (their expected values change only by writes).
        if (old == linePa && Arrays.equals(dst, 0, lineSize, watchedBytes, verified, verified + lineSize)) return true;
        for (MemoryObserver o : observers) if (!o.readWouldPass(linePa, dst, 0, lineSize)) return false;
        if (old != linePa) {
            if (old != Cache.NO_LINE) bumpL1iGenerations(); // the old line is no longer watched
            watchedLinePa[w] = linePa;
        }
        System.arraycopy(dst, 0, watchedBytes, verified, lineSize);
        return true;
    }

    public boolean observed() { return observed; }

    /** Sets the seq of the adversary's next scripted action (Long.MAX_VALUE: none); keeps the fast-path gate in step. */
    void setNextScriptSeq(long atSeq) {
        nextScriptSeq = atSeq;
        if (!observed) fastSeqLimit = atSeq;
    }

    /** Changes whenever PE {@code pe}'s L1I changes (fill, eviction, invalidation). */
    public int l1iGeneration(int pe) { return l1iGeneration[pe]; }

    // =====================================================================================
    // Data accesses
    // =====================================================================================

    /**
     * Reads {@code size} (1, 2, 4 or 8) bytes at {@code pa}, little-endian, zero-extended.
     *
     * @param pe    whose cache hierarchy (0..peCount-1), or -1 for none (only with non-cacheable attrs)
     * @param agent who reads ({@link Agents})
     * @param kind  an {@link AccessKind}
     * @param attrs {@link Attrs}
     * @throws BusError if no region covers the bytes
     */
    public long read(int pe, int agent, int kind, long pa, int size, int attrs) {
        // Fast paths (see the class comment): nobody watching, no adversary action due, one line.
        int off = (int) pa & lineOffMask;
        if (seq < fastSeqLimit && advCountdown > 1 && legalSize(size) && off + size <= lineSize) {
            if ((attrs & Attrs.TYPE_MASK) >= Attrs.NORMAL_WT) {
                Cache[] caches = l1d;
                if (pe >= 0 && pe < caches.length) { // (the JIT then drops the bounds check of caches[pe])
                    Cache c = caches[pe];
                    int slot = c.lookup(pa - off);
                    if (slot >= 0) {
                        advCountdown--; // the tick of the access
                        seq++; // the onRead event nobody observes
                        return LittleEndian.get(c.data, (slot << lineShift) + off, size);
                    }
                }
            } else if (pe >= -1 && pe < peCount) {
                byte[] page = ncPageOf(pa);
                if (page != null) {
                    advCountdown--;
                    seq++;
                    return LittleEndian.get(page, (int) pa & SparseRam.PAGE_MASK, size);
                }
            }
        }
        return readSlow(pe, agent, kind, pa, size, attrs);
    }

    /**
     * The cacheable fast path of {@link #read} alone, for a caller with a slow path of its own (a PE's
     * interpreter loop): if it applies (a Normal Write-Back or Write-Through read hitting PE
     * {@code pe}'s L1D inside one line, nobody observing, no adversary action due) does exactly what
     * read() does and returns true, the value in {@link #fastValue()}; else returns false having
     * changed nothing (then call read()). Never throws.
     */
    public boolean tryReadCached(int pe, long pa, int size, int attrs) {
        int off = (int) pa & lineOffMask;
        if (seq < fastSeqLimit && advCountdown > 1 && legalSize(size) && off + size <= lineSize
                && (attrs & Attrs.TYPE_MASK) >= Attrs.NORMAL_WT) {
            Cache[] caches = l1d;
            if (pe >= 0 && pe < caches.length) {
                Cache c = caches[pe];
                int slot = c.lookup(pa - off);
                if (slot >= 0) {
                    advCountdown--; // the tick of the access
                    seq++; // the onRead event nobody observes
                    fastValue = LittleEndian.get(c.data, (slot << lineShift) + off, size);
                    return true;
                }
            }
        }
        return false;
    }

    /** The value the last successful {@link #tryReadCached} read. */
    public long fastValue() { return fastValue; }

    /**
     * The fast paths of {@link #write} alone (a store by {@code agent}), for a caller with a slow path of
     * its own: true if one applied (the write done exactly as write() does it), else false having changed
     * nothing (then call write()). Never throws. With observers, the observed fast path, except for a
     * line a PE may fetch from a copy of ({@link #peekFetchLine}): that write ends the copies (the L1I
     * generations change), which the caller's slow path notices.
     */
    public boolean tryWrite(int pe, int agent, long pa, int size, int attrs, long value) {
        if (writeFast(pe, pa, size, attrs, value)) return true;
        if (!observed || !observedFastPaths) return false;
        long linePa = pa & ~(long) lineOffMask;
        return watchedLinePa[watchSlot(linePa)] != linePa && writeObserved(pe, agent, AccessKind.STORE, pa, size, attrs, value);
    }

    /**
     * For a write hitting PE pe's L1D {@code c} at {@code slot} (line linePa): whether the line is CLEAN
     * there, no other L1D holds it (the slow path's SNOOP_WRITE would find nothing to do) and it is RAM (a
     * clean line may also come from a ROM region, whose writes go to its device). Then the write is cell
     * (CLEAN, LOCAL_WRITE) alone.
     */
    private boolean cleanHitAlone(int pe, Cache c, int slot, long linePa) {
        if (c.states[slot] != LineState.CLEAN) return false;
        for (int m = 0; m < peCount; m++) {
            if (m != pe && l1d[m].find(linePa) >= 0) return false;
        }
        AddressMap.Region r = map.find(linePa);
        return r != null && r.kind() == AddressMap.Kind.RAM;
    }

    /** Whether {@code size} is 1, 2, 4 or 8: in 1..8 and a power of two, in one test. */
    private static boolean legalSize(int size) {
        return (((size - 1) & ~7) | (size & (size - 1))) == 0;
    }

    /** The bytes of the RAM page holding pa if the memo has it, else null. */
    private byte[] ncPageOf(long pa) {
        int e = (int) (pa >>> SparseRam.PAGE_SHIFT) & (NC_PAGES - 1);
        return ncPagePa[e] == (pa & ~(long) SparseRam.PAGE_MASK) ? ncPage[e] : null;
    }

    /** Puts the page of RAM region r holding pa into the memo, if it is allocated (called by the slow path). */
    private void rememberPage(AddressMap.Region r, long pa) {
        byte[] page = r.ram.pageOrNull(pa - r.basePa());
        if (page == null) return;
        int e = (int) (pa >>> SparseRam.PAGE_SHIFT) & (NC_PAGES - 1);
        ncPagePa[e] = pa & ~(long) SparseRam.PAGE_MASK;
        ncPage[e] = page;
    }

    // ----- the page-handle fast path (a PE's translation memo holds the RAM page of its last NC page) -----

    /**
     * The page handle of the Non-cacheable fast path: the bytes of the RAM page holding {@code pa}, if
     * a Non-cacheable or Device access there may be served straight from them ({@link #ncPageRead},
     * {@link #ncPageWrite}); {@link #PAGE_NOT_YET} for a RAM page never written (it reads as zeros
     * through the slow path: ask again after an access); else null (not RAM, or a write with
     * CTR_EL0.DIC = 1, which must look for L1I copies). A handle stays valid for good (see the class
     * comment on the page memo). Cold (an address-map lookup): callers keep the handle with their
     * translation.
     */
    public byte[] ncPageHandle(long pa, boolean write) {
        if (write && dic) return null;
        AddressMap.Region r = map.find(pa);
        if (r == null || r.kind() != AddressMap.Kind.RAM) return null;
        byte[] page = r.ram.pageOrNull(pa - r.basePa());
        return page == null ? PAGE_NOT_YET : page;
    }

    /** {@link #ncPageHandle}'s answer for a RAM page never written (not a handle: never pass it on). */
    public static final byte[] PAGE_NOT_YET = new byte[0];

    /**
     * Whether a fast-path access may happen now: nobody observes and no adversary action is due at the
     * next access. True before {@link #ncPageRead}/{@link #ncPageWrite}, which change that.
     */
    public boolean fastAccessAllowed() {
        return seq < fastSeqLimit && advCountdown > 1;
    }

    /**
     * A Non-cacheable or Device read of {@code size} (1, 2, 4 or 8) bytes at {@code pa}, naturally
     * aligned, from {@code page} = {@link #ncPageHandle}(pa, false), just after
     * {@link #fastAccessAllowed()} returned true: exactly what {@link #read} does for it (the RAM
     * bytes, seq + 1 for the onRead event nobody observes, the adversary's tick), without the checks.
     */
    public long ncPageRead(byte[] page, long pa, int size) {
        advCountdown--;
        seq++;
        return LittleEndian.get(page, (int) pa & SparseRam.PAGE_MASK, size);
    }

    /** The write counterpart of {@link #ncPageRead}: {@code page} = {@link #ncPageHandle}(pa, true); as {@link #write}. */
    public void ncPageWrite(byte[] page, long pa, int size, long value) {
        advCountdown--;
        seq++;
        LittleEndian.put(page, (int) pa & SparseRam.PAGE_MASK, size, value);
    }

    /** With CTR_EL0.DIC: whether no L1I holds linePa (a data write then has no L1I copy to remove). */
    private boolean noInstructionCopies(long linePa) {
        for (int m = 0; m < peCount; m++) {
            if (l1i[m].find(linePa) >= 0) return false;
        }
        return true;
    }

    private long readSlow(int pe, int agent, int kind, long pa, int size, int attrs) {
        if (observed && observedFastPaths) {
            // The observed fast path: the fast path's cases, with the event delivered.
            int off = (int) pa & lineOffMask;
            if (advCountdown > 1 && seq < nextScriptSeq && legalSize(size) && off + size <= lineSize) {
                if ((attrs & Attrs.TYPE_MASK) >= Attrs.NORMAL_WT) {
                    if (pe >= 0 && pe < peCount) {
                        Cache c = l1d[pe];
                        int slot = c.lookup(pa - off);
                        if (slot >= 0) {
                            advCountdown--; // the tick of the access
                            long v = LittleEndian.get(c.data, (slot << lineShift) + off, size);
                            emitRead(pe, agent, kind, pa, size, attrs, v, 0L, Source.cache(Source.L1D, pe, c.states[slot]));
                            return v;
                        }
                    }
                } else if (pe >= -1 && pe < peCount) {
                    byte[] page = ncPageOf(pa);
                    if (page != null) {
                        advCountdown--;
                        long v = LittleEndian.get(page, (int) pa & SparseRam.PAGE_MASK, size);
                        emitRead(pe, agent, kind, pa, size, attrs, v, 0L, Source.RAM);
                        return v;
                    }
                }
            }
        }
        checkSize(size);
        checkPe(pe, attrs);
        AddressMap.Region r = checkMapped(pa, size, false);
        tick();
        return readAccess(pe, agent, kind, pa, size, attrs, r, false);
    }

    /** Reads 16 bytes at {@code pa}: {@code out2[0]} = bytes 0..7, {@code out2[1]} = bytes 8..15. */
    public void read16(int pe, int agent, int kind, long pa, int attrs, long[] out2) {
        if (out2 == null || out2.length < 2) throw new IllegalArgumentException("out2 must have 2 elements");
        checkPe(pe, attrs);
        AddressMap.Region r = checkMapped(pa, 16, false);
        tick();
        if (r.kind() == AddressMap.Kind.MMIO) {
            long lo = r.handler.read(agent, pa - r.basePa(), 8);
            long hi = r.handler.read(agent, pa + 8 - r.basePa(), 8);
            emitRead(pe, agent, kind, pa, 16, attrs, lo, hi, Source.MMIO);
            out2[0] = lo;
            out2[1] = hi;
            return;
        }
        int off = (int) pa & lineOffMask;
        if (off + 16 <= lineSize) {
            out2[0] = readChunk(pe, agent, kind, pa, 16, attrs, false);
            out2[1] = chunkHi;
        } else {
            int n1 = lineSize - off; // 1..15
            long lo1 = readChunk(pe, agent, kind, pa, n1, attrs, false);
            long hi1 = chunkHi;
            long lo2 = readChunk(pe, agent, kind, pa + n1, 16 - n1, attrs, false);
            long hi2 = chunkHi;
            // Reassemble 16 bytes from n1 bytes (lo1, hi1) and 16 - n1 bytes (lo2, hi2).
            byte[] tmp = scratch16;
            LittleEndian.put16(tmp, 0, n1, lo1, hi1);
            LittleEndian.put16(tmp, n1, 16 - n1, lo2, hi2);
            out2[0] = LittleEndian.get(tmp, 0, 8);
            out2[1] = LittleEndian.get(tmp, 8, 8);
        }
    }

    /**
     * Writes the low {@code size} (1, 2, 4 or 8) bytes of {@code value} at {@code pa}, little-endian.
     * Parameters as for {@link #read}.
     */
    public void write(int pe, int agent, int kind, long pa, int size, int attrs, long value) {
        // Kept under the JIT's MaxInlineSize (35 bytecodes) so it inlines into every caller whatever
        // the caller's profile says; writeFast is then inlined on write's own (always hot) profile.
        if (!writeFast(pe, pa, size, attrs, value)) writeSlow(pe, agent, kind, pa, size, attrs, value);
    }

    /**
     * The write fast paths (see the class comment): nobody watching, no adversary action due, one
     * line, and with CTR_EL0.DIC no L1I copy of the line to remove. Returns false, having changed
     * nothing, if the access needs the slow path.
     */
    private boolean writeFast(int pe, long pa, int size, int attrs, long value) {
        int off = (int) pa & lineOffMask;
        if (seq < fastSeqLimit && advCountdown > 1 && legalSize(size) && off + size <= lineSize
                && (!dic || noInstructionCopies(pa - off))) {
            int type = attrs & Attrs.TYPE_MASK;
            if (type == Attrs.NORMAL_WB) {
                Cache[] caches = l1d;
                if (pe >= 0 && pe < caches.length) {
                    // Cell (DIRTY, LOCAL_WRITE) of LineTransitions: stays DIRTY, MERGE_DATA, reports UPDATE.
                    Cache c = caches[pe];
                    int slot = c.lookup(pa - off);
                    if (slot >= 0 && c.states[slot] == D) {
                        advCountdown--; // the tick of the access
                        seq += 2; // the UPDATE line event and the onWrite event nobody observes
                        LittleEndian.put(c.data, (slot << lineShift) + off, size, value);
                        return true;
                    }
                    if (slot >= 0 && cleanHitAlone(pe, c, slot, pa - off)) {
                        // Cell (CLEAN, LOCAL_WRITE): DIRTY, MERGE_DATA, reports UPDATE (the snoop finds nothing).
                        advCountdown--;
                        seq += 2;
                        c.states[slot] = D;
                        LittleEndian.put(c.data, (slot << lineShift) + off, size, value);
                        return true;
                    }
                }
            } else if (type != Attrs.NORMAL_WT && pe >= -1 && pe < peCount) {
                byte[] page = ncPageOf(pa);
                if (page != null) {
                    advCountdown--;
                    seq++; // the onWrite event
                    LittleEndian.put(page, (int) pa & SparseRam.PAGE_MASK, size, value);
                    return true;
                }
            }
        }
        return false;
    }

    private void writeSlow(int pe, int agent, int kind, long pa, int size, int attrs, long value) {
        if (observed && observedFastPaths && writeObserved(pe, agent, kind, pa, size, attrs, value)) return;
        checkSize(size);
        checkPe(pe, attrs);
        AddressMap.Region r = checkMapped(pa, size, true);
        tick();
        writeAccess(pe, agent, kind, pa, size, attrs, value & LittleEndian.mask(size), 0L, r);
    }

    /**
     * The observed fast paths of a write: the cases of {@link #writeFast}, with the events delivered
     * (UPDATE then onWrite for a Write-Back hit on a dirty L1D line; onWrite for a memoized RAM page).
     * Returns false, having changed nothing, if the access needs the slow path.
     */
    private boolean writeObserved(int pe, int agent, int kind, long pa, int size, int attrs, long value) {
        int off = (int) pa & lineOffMask;
        if (advCountdown > 1 && seq < nextScriptSeq && legalSize(size) && off + size <= lineSize
                && (!dic || noInstructionCopies(pa - off))) {
            int type = attrs & Attrs.TYPE_MASK;
            long v = value & LittleEndian.mask(size);
            if (type == Attrs.NORMAL_WB) {
                if (pe >= 0 && pe < peCount) {
                    Cache c = l1d[pe];
                    long linePa = pa - off;
                    int slot = c.lookup(linePa);
                    if (slot >= 0 && c.states[slot] == D) {
                        // Cell (DIRTY, LOCAL_WRITE) of LineTransitions: stays DIRTY, MERGE_DATA, reports UPDATE.
                        advCountdown--;
                        LittleEndian.put(c.data, (slot << lineShift) + off, size, v);
                        if (dirtyUpdatesWanted) emitLine(LineEvent.UPDATE, c, linePa, D, D, LineEvent.CAUSE_DEMAND, agent);
                        else seq++;
                        // emitWrite's work in line (the most frequent observed write: one call fewer under C1).
                        long s = seq++;
                        MemoryObserver[] obs = observers;
                        for (int i = 0; i < obs.length; i++) obs[i].onWrite(s, pe, agent, kind, pa, size, attrs, v, 0L);
                        endWatch(linePa);
                        return true;
                    }
                    if (slot >= 0 && cleanHitAlone(pe, c, slot, linePa)) {
                        // Cell (CLEAN, LOCAL_WRITE): DIRTY, MERGE_DATA, reports UPDATE (the snoop finds nothing).
                        advCountdown--;
                        c.states[slot] = D;
                        LittleEndian.put(c.data, (slot << lineShift) + off, size, v);
                        emitLine(LineEvent.UPDATE, c, linePa, LineState.CLEAN, D, LineEvent.CAUSE_DEMAND, agent);
                        emitWrite(pe, agent, kind, pa, size, attrs, v, 0L);
                        return true;
                    }
                }
            } else if (type != Attrs.NORMAL_WT && pe >= -1 && pe < peCount) {
                byte[] page = ncPageOf(pa);
                if (page != null) {
                    advCountdown--;
                    LittleEndian.put(page, (int) pa & SparseRam.PAGE_MASK, size, v);
                    emitWrite(pe, agent, kind, pa, size, attrs, v, 0L);
                    return true;
                }
            }
        }
        return false;
    }

    /** Writes 16 bytes at {@code pa}: {@code lo} = bytes 0..7, {@code hi} = bytes 8..15. */
    public void write16(int pe, int agent, int kind, long pa, int attrs, long lo, long hi) {
        checkPe(pe, attrs);
        AddressMap.Region r = checkMapped(pa, 16, true);
        tick();
        writeAccess(pe, agent, kind, pa, 16, attrs, lo, hi, r);
    }

    /** Fetches a 32-bit instruction at {@code pa} through PE {@code pe}'s L1I (I-side). */
    public int fetch32(int pe, int agent, long pa, int attrs) {
        int off = (int) pa & lineOffMask;
        if (seq < fastSeqLimit && advCountdown > 1 && off + 4 <= lineSize) {
            if ((attrs & Attrs.TYPE_MASK) >= Attrs.NORMAL_WT) {
                Cache[] caches = l1i;
                if (pe >= 0 && pe < caches.length) {
                    Cache c = caches[pe];
                    int slot = c.lookup(pa - off);
                    if (slot >= 0) {
                        advCountdown--;
                        seq++;
                        return (int) LittleEndian.INT.get(c.data, (slot << lineShift) + off);
                    }
                }
            } else if (pe >= -1 && pe < peCount) {
                byte[] page = ncPageOf(pa);
                if (page != null) {
                    advCountdown--;
                    seq++;
                    return (int) LittleEndian.INT.get(page, (int) pa & SparseRam.PAGE_MASK);
                }
            }
        }
        return fetchSlow(pe, agent, pa, attrs);
    }

    private int fetchSlow(int pe, int agent, long pa, int attrs) {
        if (observed && observedFastPaths) {
            // The observed fast path: fetch32's fast cases, with the event delivered.
            int off = (int) pa & lineOffMask;
            if (advCountdown > 1 && seq < nextScriptSeq && off + 4 <= lineSize) {
                if ((attrs & Attrs.TYPE_MASK) >= Attrs.NORMAL_WT) {
                    if (pe >= 0 && pe < peCount) {
                        Cache c = l1i[pe];
                        int slot = c.lookup(pa - off);
                        if (slot >= 0) {
                            advCountdown--;
                            int v = (int) LittleEndian.INT.get(c.data, (slot << lineShift) + off);
                            emitRead(pe, agent, AccessKind.FETCH, pa, 4, attrs, v & 0xffff_ffffL, 0L,
                                    Source.cache(Source.L1I, pe, c.states[slot]));
                            return v;
                        }
                    }
                } else if (pe >= -1 && pe < peCount) {
                    byte[] page = ncPageOf(pa);
                    if (page != null) {
                        advCountdown--;
                        int v = (int) LittleEndian.INT.get(page, (int) pa & SparseRam.PAGE_MASK);
                        emitRead(pe, agent, AccessKind.FETCH, pa, 4, attrs, v & 0xffff_ffffL, 0L, Source.RAM);
                        return v;
                    }
                }
            }
        }
        checkPe(pe, attrs);
        AddressMap.Region r = checkMapped(pa, 4, false);
        tick();
        return (int) readAccess(pe, agent, AccessKind.FETCH, pa, 4, attrs, r, true);
    }

    /**
     * Bulk read (loaders, the VMM): {@code len} bytes at {@code pa} into {@code dst[off..]}, as a
     * sequence of naturally aligned accesses of up to 8 bytes (one event each). MMIO is refused. The
     * whole range is checked before anything happens; the adversary gets one turn per call.
     */
    public void readBytes(int pe, int agent, long pa, byte[] dst, int off, int len, int attrs) {
        checkBulk(pe, attrs, pa, dst, off, len, false);
        tick();
        long p = pa;
        int i = off, end = off + len;
        while (i < end) {
            int n = bulkPiece(p, end - i);
            long v = readChunk(pe, agent, AccessKind.LOAD, p, n, attrs, false);
            LittleEndian.put(dst, i, n, v);
            p += n;
            i += n;
        }
    }

    /**
     * Bulk write, the mirror of {@link #readBytes}, except that with a PE and Write-Back attributes each
     * whole, aligned line of RAM is written as one line (see {@link #writeWholeLine}): reported as
     * 16-byte onWrite events.
     */
    public void writeBytes(int pe, int agent, long pa, byte[] src, int off, int len, int attrs) {
        checkBulk(pe, attrs, pa, src, off, len, true);
        tick();
        boolean wholeLines = pe >= 0 && Attrs.type(attrs) == Attrs.NORMAL_WB;
        long p = pa;
        int i = off, end = off + len;
        while (i < end) {
            AddressMap.Region r = map.find(p);
            if (wholeLines && (p & lineOffMask) == 0 && end - i >= lineSize && r.kind() == AddressMap.Kind.RAM) {
                writeWholeLine(pe, agent, p, src, i, attrs);
                p += lineSize;
                i += lineSize;
                continue;
            }
            int n = bulkPiece(p, end - i);
            writeChunk(pe, agent, AccessKind.STORE, p, n, attrs, LittleEndian.get(src, i, n), 0L, r);
            p += n;
            i += n;
        }
    }

    /**
     * A Write-Back write of every byte of line {@code linePa} from {@code src[off..]} into PE pe's L1D: as
     * DC ZVA does, the line is allocated without a fill from below (nothing of the old line survives),
     * other L1Ds lose their copies, and the line ends up dirty with the new bytes. The architecture leaves
     * the allocation policy of such writes to the implementation (Cortex-A class cores detect full-line
     * writes); the values every observer can read are the same as with eight 8-byte stores.
     */
    private void writeWholeLine(int pe, int agent, long linePa, byte[] src, int off, int attrs) {
        snoopOthers(pe, linePa, LineTransitions.SNOOP_WRITE, agent);
        Cache c = l1d[pe];
        apply(c, c.find(linePa), linePa, LineTransitions.ZERO, LineEvent.CAUSE_DEMAND, agent, null, 0);
        System.arraycopy(src, off, c.data, appliedSlot << lineShift, lineSize);
        if (config.dic()) invalidateInstructionCopies(linePa, agent);
        for (int i = 0; i < lineSize; i += 16) {
            emitWrite(pe, agent, AccessKind.STORE, linePa + i, 16, attrs, LittleEndian.get(src, off + i, 8),
                    LittleEndian.get(src, off + i + 8, 8));
        }
    }

    /** The largest naturally aligned power-of-two piece (<= 8 bytes, <= remaining) starting at pa. */
    private static int bulkPiece(long pa, int remaining) {
        int n = 8;
        while (n > 1 && ((pa & (n - 1)) != 0 || n > remaining)) n >>>= 1;
        return n;
    }

    private void checkBulk(int pe, int attrs, long pa, byte[] buf, int off, int len, boolean write) {
        checkPe(pe, attrs);
        if (buf == null || off < 0 || len < 0 || off > buf.length - len) {
            throw new IllegalArgumentException("bad buffer range: off " + off + ", len " + len);
        }
        long p = pa;
        long end = pa + len;
        while (p < end) {
            AddressMap.Region r = map.find(p);
            if (r == null) throw new BusError(p, write, "no region of the address map covers it");
            if (r.kind() == AddressMap.Kind.MMIO) throw new BusError(p, write, "bulk access to MMIO window " + r.name());
            if (write && r.kind() == AddressMap.Kind.ROM && r.handler == null) {
                throw new BusError(p, true, "ROM " + r.name() + " has no write handler");
            }
            p = r.endPa();
        }
    }

    // ----- the access paths (cold) -----

    private long readAccess(int pe, int agent, int kind, long pa, int size, int attrs, AddressMap.Region r, boolean instr) {
        if (r.kind() == AddressMap.Kind.MMIO) {
            long v = r.handler.read(agent, pa - r.basePa(), size);
            emitRead(pe, agent, kind, pa, size, attrs, v, 0L, Source.MMIO);
            return v;
        }
        int off = (int) pa & lineOffMask;
        if (off + size <= lineSize) return readChunk(pe, agent, kind, pa, size, attrs, instr);
        int n1 = lineSize - off;
        long lo = readChunk(pe, agent, kind, pa, n1, attrs, instr);
        long hi = readChunk(pe, agent, kind, pa + n1, size - n1, attrs, instr);
        return lo | (hi << (8 * n1));
    }

    /**
     * Reads one chunk (1..16 bytes inside one line; RAM or ROM): returns bytes 0..7, leaves bytes
     * 8..15 in {@link #chunkHi}, and reports the onRead event with the chunk's source.
     */
    private long readChunk(int pe, int agent, int kind, long pa, int n, int attrs, boolean instr) {
        AddressMap.Region r = map.find(pa);
        long lo, hi;
        int source;
        if (r.kind() == AddressMap.Kind.ROM) {
            int o = (int) (pa - r.basePa());
            lo = LittleEndian.getLo(r.rom, o, n);
            hi = LittleEndian.getHi(r.rom, o, n);
            source = Source.ROM;
        } else if (pe >= 0 && Attrs.cacheable(attrs)) {
            long linePa = pa & ~(long) lineOffMask;
            int o = (int) pa & lineOffMask;
            Cache c;
            int slot;
            if (instr) {
                c = l1i[pe];
                slot = l1iSlotForFetch(pe, linePa, agent, r);
            } else {
                c = l1d[pe];
                slot = l1dSlotForRead(pe, linePa, agent, r);
            }
            int at = (slot << lineShift) + o;
            lo = LittleEndian.getLo(c.data, at, n);
            hi = LittleEndian.getHi(c.data, at, n);
            source = chunkSource;
        } else {
            long o = pa - r.basePa();
            lo = r.ram.read(o, Math.min(n, 8));
            hi = n > 8 ? r.ram.read(o + 8, n - 8) : 0L;
            source = Source.RAM;
            rememberPage(r, pa);
        }
        chunkHi = hi;
        emitRead(pe, agent, kind, pa, n, attrs, lo, hi, source);
        return lo;
    }

    /** The L1D slot holding linePa for a cacheable read by pe, filling it if needed; sets chunkSource. */
    private int l1dSlotForRead(int pe, long linePa, int agent, AddressMap.Region r) {
        Cache c = l1d[pe];
        int slot = c.find(linePa);
        if (slot >= 0) {
            chunkSource = Source.cache(Source.L1D, pe, c.states[slot]);
            return slot;
        }
        int source = gatherCoherent(pe, linePa, agent, r, false, LineEvent.CAUSE_DEMAND);
        apply(c, -1, linePa, LineTransitions.LOCAL_READ, LineEvent.CAUSE_DEMAND, agent, lineBuf, 0);
        chunkSource = source;
        return appliedSlot;
    }

    /** The L1I slot holding linePa for a cacheable fetch by pe, filling it if needed; sets chunkSource. */
    private int l1iSlotForFetch(int pe, long linePa, int agent, AddressMap.Region r) {
        Cache c = l1i[pe];
        int slot = c.find(linePa);
        if (slot >= 0) {
            chunkSource = Source.cache(Source.L1I, pe, c.states[slot]);
            return slot;
        }
        int source = -1;
        if (config.idc()) {
            // CTR_EL0.IDC = 1: the fill sees data still held dirty on the D-side (any PE's L1D).
            for (int m = 0; m < peCount && source < 0; m++) {
                source = snoop(l1d[m], linePa, LineTransitions.SNOOP_READ, agent);
            }
        }
        if (source < 0) source = gatherBelowL1(linePa, r, agent, LineEvent.CAUSE_DEMAND);
        apply(c, -1, linePa, LineTransitions.LOCAL_READ, LineEvent.CAUSE_DEMAND, agent, lineBuf, 0);
        chunkSource = source;
        return appliedSlot;
    }

    /**
     * Puts the coherent current bytes of linePa into {@link #lineBuf} for PE {@code pe} (whose own
     * L1D does not hold it): snoops the other L1Ds with SNOOP_READ or SNOOP_WRITE (a dirty copy
     * supplies the data), else reads the L2, else RAM (filling the L2). Returns the source.
     */
    private int gatherCoherent(int pe, long linePa, int agent, AddressMap.Region r, boolean forWrite, int cause) {
        int source = snoopOthers(pe, linePa, forWrite ? LineTransitions.SNOOP_WRITE : LineTransitions.SNOOP_READ, agent);
        if (source >= 0) return source;
        return gatherBelowL1(linePa, r, agent, cause);
    }

    /** Applies a snoop event to every L1D but pe's; returns the source of supplied data or -1. */
    private int snoopOthers(int pe, long linePa, int event, int agent) {
        int source = -1;
        for (int m = 0; m < peCount; m++) {
            if (m == pe) continue;
            int s = snoop(l1d[m], linePa, event, agent);
            if (s >= 0) source = s;
        }
        return source;
    }

    /** Applies a snoop event to one L1D; if the table says SUPPLY_DATA the line is in lineBuf and its source is returned. */
    private int snoop(Cache c, long linePa, int event, int agent) {
        int slot = c.find(linePa);
        if (slot < 0) return -1;
        int source = Source.cache(c.place, c.pe, c.states[slot]);
        int acts = apply(c, slot, linePa, event, LineEvent.CAUSE_SNOOP, agent, null, 0);
        return LineTransitions.has(acts, LineTransitions.SUPPLY_DATA) ? source : -1;
    }

    /** Puts linePa's bytes from the L2 (or from RAM, filling the L2) into lineBuf; returns the source. */
    private int gatherBelowL1(long linePa, AddressMap.Region r, int agent, int cause) {
        int slot = l2.find(linePa);
        if (slot >= 0) {
            System.arraycopy(l2.data, slot << lineShift, lineBuf, 0, lineSize);
            return Source.cache(Source.L2, 0, l2.states[slot]);
        }
        r.ram.copyOut(linePa - r.basePa(), lineBuf, 0, lineSize);
        apply(l2, -1, linePa, cause == LineEvent.CAUSE_SPECULATIVE ? LineTransitions.SPEC_FILL : LineTransitions.LOCAL_READ,
                cause, agent, lineBuf, 0);
        return Source.RAM;
    }

    private void writeAccess(int pe, int agent, int kind, long pa, int size, int attrs, long lo, long hi,
            AddressMap.Region r) {
        if (r.kind() == AddressMap.Kind.MMIO) {
            if (size == 16) {
                r.handler.write(agent, pa - r.basePa(), 8, lo);
                r.handler.write(agent, pa + 8 - r.basePa(), 8, hi);
            } else {
                r.handler.write(agent, pa - r.basePa(), size, lo);
            }
            emitWrite(pe, agent, kind, pa, size, attrs, lo, hi);
            return;
        }
        int off = (int) pa & lineOffMask;
        if (off + size <= lineSize) {
            writeChunk(pe, agent, kind, pa, size, attrs, lo, hi, r);
            return;
        }
        int n1 = lineSize - off;
        byte[] tmp = scratch16;
        LittleEndian.put16(tmp, 0, size, lo, hi);
        writeChunk(pe, agent, kind, pa, n1, attrs, LittleEndian.getLo(tmp, 0, n1), LittleEndian.getHi(tmp, 0, n1),
                r);
        AddressMap.Region r2 = map.find(pa + n1);
        writeChunk(pe, agent, kind, pa + n1, size - n1, attrs, LittleEndian.getLo(tmp, n1, size - n1),
                LittleEndian.getHi(tmp, n1, size - n1), r2);
    }

    /** Writes one chunk (1..16 bytes inside one line) and reports the onWrite event. */
    private void writeChunk(int pe, int agent, int kind, long pa, int n, int attrs, long lo, long hi,
            AddressMap.Region r) {
        if (r.kind() == AddressMap.Kind.ROM) {
            // Checked before: a ROM write has a handler (a CFI flash device). Sizes here are 1, 2, 4, 8
            // (bulk pieces) or chunks of a straddling access, which we pass on byte by byte.
            long off = pa - r.basePa();
            if (n == 1 || n == 2 || n == 4 || n == 8) r.handler.write(agent, off, n, lo);
            else {
                for (int i = 0; i < n; i++) {
                    long b = i < 8 ? lo >>> (8 * i) : hi >>> (8 * (i - 8));
                    r.handler.write(agent, off + i, 1, b & 0xff);
                }
            }
        } else if (pe >= 0 && Attrs.cacheable(attrs)) {
            long linePa = pa & ~(long) lineOffMask;
            mergeOff = (int) (pa - linePa);
            mergeSize = n;
            mergeLo = lo;
            mergeHi = hi;
            if (Attrs.type(attrs) == Attrs.NORMAL_WB) writeBackWrite(pe, linePa, agent, r);
            else writeThroughWrite(pe, pa, n, lo, hi, linePa, agent, r);
            if (config.dic()) invalidateInstructionCopies(linePa, agent);
        } else {
            ramWrite(r, pa, n, lo, hi);
            rememberPage(r, pa);
            if (config.dic()) invalidateInstructionCopies(pa & ~(long) lineOffMask, agent);
        }
        emitWrite(pe, agent, kind, pa, n, attrs, lo, hi);
    }

    private void ramWrite(AddressMap.Region r, long pa, int n, long lo, long hi) {
        long o = pa - r.basePa();
        r.ram.write(o, Math.min(n, 8), lo);
        if (n > 8) r.ram.write(o + 8, n - 8, hi);
    }

    /** A Write-Back write of the merge operands into PE pe's L1D (write-allocate, exclusive). */
    private void writeBackWrite(int pe, long linePa, int agent, AddressMap.Region r) {
        Cache c = l1d[pe];
        int slot = c.find(linePa);
        if (slot >= 0) {
            if (c.states[slot] != D) {
                // Our copy is clean, so (invariant) nobody holds it dirty: the others just drop theirs.
                snoopOthers(pe, linePa, LineTransitions.SNOOP_WRITE, agent);
            }
            apply(c, slot, linePa, LineTransitions.LOCAL_WRITE, LineEvent.CAUSE_DEMAND, agent, null, 0);
        } else {
            gatherCoherent(pe, linePa, agent, r, true, LineEvent.CAUSE_DEMAND);
            apply(c, -1, linePa, LineTransitions.LOCAL_WRITE, LineEvent.CAUSE_DEMAND, agent, lineBuf, 0);
        }
    }

    /** A Write-Through write: other L1Ds lose their copies, present copies are updated, RAM is written. */
    private void writeThroughWrite(int pe, long pa, int n, long lo, long hi, long linePa, int agent,
            AddressMap.Region r) {
        int supplied = snoopOthers(pe, linePa, LineTransitions.SNOOP_WRITE, agent);
        if (supplied >= 0) {
            // Another L1D gave up a dirty line: its other bytes must survive, so they go to the L2.
            apply(l2, l2.find(linePa), linePa, LineTransitions.WRITE_BACK_IN, LineEvent.CAUSE_SNOOP, agent, lineBuf, 0);
        }
        Cache c = l1d[pe];
        int acts = apply(c, c.find(linePa), linePa, LineTransitions.LOCAL_WRITE_THROUGH, LineEvent.CAUSE_DEMAND, agent,
                null, 0);
        if (LineTransitions.has(acts, LineTransitions.WRITE_THROUGH)) {
            // The levels below: the L2 (if present) is a cache receiving the same write-through write.
            apply(l2, l2.find(linePa), linePa, LineTransitions.LOCAL_WRITE_THROUGH, LineEvent.CAUSE_DEMAND, agent, null, 0);
            ramWrite(r, pa, n, lo, hi);
        }
    }

    /**
     * CTR_EL0.DIC = 1: instruction caches need no invalidation for data-to-instruction coherence;
     * they are kept coherent with the PoU. We get that by removing the line from every L1I whenever
     * its data changes anywhere: a data write (any attributes) or a write-back into the L2 or RAM.
     * The next fetch refills from the L2 or RAM, so without IDC a DC CVAU is still needed to make
     * data still dirty in an L1D visible, as the architecture requires.
     */
    private void invalidateInstructionCopies(long linePa, int agent) {
        for (int m = 0; m < peCount; m++) {
            Cache c = l1i[m];
            int slot = c.find(linePa);
            if (slot >= 0) apply(c, slot, linePa, LineTransitions.INVALIDATE, LineEvent.CAUSE_SNOOP, agent, null, 0);
        }
    }

    // =====================================================================================
    // The transition engine
    // =====================================================================================

    /**
     * Performs {@code event} on line {@code linePa} of cache {@code c} exactly as
     * {@link LineTransitions} says: looks up (state, event), does the actions in the table's order,
     * sets the next state and reports the line events. {@code slot} is where the line is, or -1 if
     * the cache does not hold it. For FILL_FROM_BELOW / ABSORB_LINE the incoming line is at
     * {@code src[srcOff..]}; MERGE_DATA uses the merge operands. Leaves the line's slot (or -1) in
     * {@link #appliedSlot}; returns the actions performed.
     */
    int apply(Cache c, int slot, long linePa, int event, int cause, int agent, byte[] src, int srcOff) {
        int state = slot < 0 ? I : c.states[slot];
        int acts = LineTransitions.actions(state, event);
        int next = LineTransitions.next(state, event);
        int dataOff = slot < 0 ? -1 : slot << lineShift;
        if ((acts & LineTransitions.SUPPLY_DATA) != 0) {
            System.arraycopy(c.data, dataOff, lineBuf, 0, lineSize);
        }
        if ((acts & LineTransitions.WRITE_BACK) != 0) {
            emitLine(LineEvent.WRITEBACK, c, linePa, state, next, cause, agent);
            writeBackBelow(c, slot, linePa, cause, agent);
        }
        if ((acts & LineTransitions.ALLOCATE) != 0) {
            slot = allocate(c, linePa, agent);
            dataOff = slot << lineShift;
            c.tags[slot] = linePa;
            c.states[slot] = (byte) I;
        }
        if ((acts & (LineTransitions.FILL_FROM_BELOW | LineTransitions.ABSORB_LINE)) != 0) {
            System.arraycopy(src, srcOff, c.data, dataOff, lineSize);
        }
        if ((acts & LineTransitions.FILL_FROM_BELOW) != 0) {
            emitLine(LineEvent.FILL, c, linePa, state, next, cause, agent);
        }
        if ((acts & LineTransitions.ZERO_DATA) != 0) {
            System.arraycopy(SparseRam.ZERO_LINE, 0, c.data, dataOff, lineSize); // (lineSize <= 256)
        }
        if ((acts & LineTransitions.MERGE_DATA) != 0) {
            LittleEndian.put16(c.data, dataOff + mergeOff, mergeSize, mergeLo, mergeHi);
        }
        // WRITE_THROUGH is carried out by the caller, which knows the levels below.
        if ((acts & LineTransitions.DROP) != 0) {
            c.tags[slot] = Cache.NO_LINE;
        }
        if (slot >= 0) c.states[slot] = (byte) next;
        int reported = LineTransitions.reported(state, event);
        if (reported != LineTransitions.NO_EVENT) {
            if (reported == LineEvent.UPDATE && state == D && next == D && !dirtyUpdatesWanted) seq++;
            else emitLine(reported, c, linePa, state, next, cause, agent);
        }
        if (c.place == Source.L1I && (acts & (LineTransitions.ALLOCATE | LineTransitions.DROP)) != 0) {
            l1iGeneration[c.pe]++;
        }
        appliedSlot = (acts & LineTransitions.DROP) != 0 ? -1 : slot;
        return acts;
    }

    /** Takes a way for linePa in c, evicting the victim (replacement) if it is valid. */
    private int allocate(Cache c, long linePa, int agent) {
        int victim = c.chooseVictim(linePa);
        long victimPa = c.tags[victim];
        if (victimPa != Cache.NO_LINE) {
            apply(c, victim, victimPa, LineTransitions.EVICT, LineEvent.CAUSE_REPLACEMENT, agent, null, 0);
        }
        return victim;
    }

    /** WRITE_BACK: an L1D line goes into the L2 (allocating), an L2 line into RAM. */
    private void writeBackBelow(Cache c, int slot, long linePa, int cause, int agent) {
        if (config.dic()) invalidateInstructionCopies(linePa, agent);
        if (c.place == Source.L2) {
            AddressMap.Region r = map.find(linePa);
            r.ram.copyIn(linePa - r.basePa(), c.data, slot << lineShift, lineSize);
            if (observed) endWatch(linePa); // RAM changed under a Non-cacheable fetch copy (peekFetchLineNc)
        } else {
            apply(l2, l2.find(linePa), linePa, LineTransitions.WRITE_BACK_IN, cause, agent, c.data, slot << lineShift);
        }
    }

    // =====================================================================================
    // Maintenance
    // =====================================================================================

    /** DC CVAC: clean the line holding pa to the PoC in every L1D and the L2. */
    public void dcCleanPoC(int pe, int agent, long pa) {
        byPa(pe, agent, pa, Maintenance.DC_CVAC, LineTransitions.CLEAN, true);
    }

    /** DC CIVAC: clean and invalidate the line holding pa to the PoC in every L1D and the L2. */
    public void dcCleanInvalidatePoC(int pe, int agent, long pa) {
        byPa(pe, agent, pa, Maintenance.DC_CIVAC, LineTransitions.CLEAN_INVALIDATE, true);
    }

    /** DC IVAC: invalidate the line holding pa in every L1D and the L2 (dirty data is lost). */
    public void dcInvalidatePoC(int pe, int agent, long pa) {
        byPa(pe, agent, pa, Maintenance.DC_IVAC, LineTransitions.INVALIDATE, true);
    }

    /** DC CVAU: clean the line holding pa to the PoU (the L2) in every L1D. */
    public void dcCleanPoU(int pe, int agent, long pa) {
        byPa(pe, agent, pa, Maintenance.DC_CVAU, LineTransitions.CLEAN, false);
    }

    private void byPa(int pe, int agent, long pa, int op, int event, boolean toPoC) {
        checkMaintenance(pe, pa);
        emitMaintenance(pe, agent, op, pa);
        byPaLine(agent, pa & ~(long) lineOffMask, event, toPoC);
    }

    /**
     * One by-address maintenance operation per line of {@code [pa, pa + size)} ({@code pa} aligned down
     * to its line), in ascending order, each reported with its line's PA as the operand: exactly what
     * calling {@link #dcCleanPoC}, {@link #dcCleanInvalidatePoC}, {@link #dcInvalidatePoC},
     * {@link #dcCleanPoU} or {@link #icInvalidatePa} ({@code op} = DC CVAC, DC CIVAC, DC IVAC, DC CVAU,
     * IC IVAU) on each line's PA does (the loop of Linux's __flush_dcache_area and friends over
     * CTR_EL0's line size), with the arguments checked once, before anything changes.
     *
     * @return the number of lines (operations)
     * @throws IllegalArgumentException for another op, a PE outside 0..peCount-1, size < 1, or a range
     *     not inside the physical address space
     */
    public long maintainRange(int pe, int agent, int op, long pa, long size) {
        int event;
        boolean toPoC;
        switch (op) {
            case Maintenance.DC_CVAC -> { event = LineTransitions.CLEAN; toPoC = true; }
            case Maintenance.DC_CIVAC -> { event = LineTransitions.CLEAN_INVALIDATE; toPoC = true; }
            case Maintenance.DC_IVAC -> { event = LineTransitions.INVALIDATE; toPoC = true; }
            case Maintenance.DC_CVAU -> { event = LineTransitions.CLEAN; toPoC = false; }
            case Maintenance.IC_IVAU -> { event = LineTransitions.INVALIDATE; toPoC = false; }
            default -> throw new IllegalArgumentException("not a by-address operation: " + Maintenance.name(op));
        }
        if (size < 1) throw new IllegalArgumentException("maintenance range size must be >= 1, got " + size);
        checkMaintenance(pe, pa);
        if (pa + size - 1 < pa || ((pa + size - 1) >>> config.paBits()) != 0) {
            throw new IllegalArgumentException(String.format(
                    "range [0x%x, +0x%x) runs past the %d-bit physical address space", pa, size, config.paBits()));
        }
        long endPa = pa + size;
        long lines = 0;
        for (long linePa = pa & ~(long) lineOffMask; linePa < endPa; linePa += lineSize, lines++) {
            emitMaintenance(pe, agent, op, linePa);
            if (op == Maintenance.IC_IVAU) icInvalidateLine(agent, linePa);
            else byPaLine(agent, linePa, event, toPoC);
        }
        return lines;
    }

    /** The line work of a by-address data-cache operation: every L1D, then (to the PoC) the L2. */
    private void byPaLine(int agent, long linePa, int event, boolean toPoC) {
        for (int m = 0; m < peCount; m++) {
            Cache c = l1d[m];
            int slot = c.find(linePa);
            if (slot >= 0) apply(c, slot, linePa, event, LineEvent.CAUSE_MAINTENANCE, agent, null, 0);
        }
        if (toPoC) {
            // After the L1Ds, so a line they wrote back into the L2 is cleaned on to RAM as well.
            int slot = l2.find(linePa);
            if (slot >= 0) apply(l2, slot, linePa, event, LineEvent.CAUSE_MAINTENANCE, agent, null, 0);
        }
    }

    /**
     * DC ZVA: zeroes the DCZID_EL0-sized block holding pa (aligned down). Cacheable Write-Back with a
     * PE: in that PE's L1D (lines become dirty zeros, other L1Ds lose their copies); Write-Through:
     * as Write-Through stores; otherwise in RAM only. Reported as onMaintenance then onWrite events of
     * kind {@link AccessKind#ZERO}: one per line for a whole line zeroed in the L1D (Write-Back, block
     * at least a line; {@link #emitZeroLine}), else 16-byte (or block-sized, if smaller) ones.
     */
    public void dcZeroBlock(int pe, int agent, long pa, int attrs) {
        checkPe(pe, attrs);
        int block = config.dczBlockSize();
        long basePa = pa & -(long) block;
        AddressMap.Region r = checkMapped(basePa, block, true);
        if (r.kind() != AddressMap.Kind.RAM) throw new BusError(basePa, true, "DC ZVA outside RAM (" + r + ")");
        zeroBlock(pe, agent, pa, attrs, r);
    }

    /**
     * DC ZVA on every block of {@code [pa, pa + size)} in ascending order, each reported with its
     * block's PA as the operand: exactly what calling {@link #dcZeroBlock} on each block's PA does
     * (Linux's clear_page loop), with the arguments and the address map checked once when the whole
     * range lies in one RAM region (else block by block, so a BusError comes at the same block, after
     * the same blocks were zeroed, as with the loop).
     *
     * @throws IllegalArgumentException if pa or size is not a multiple of the DC ZVA block size
     *     (DCZID_EL0), size < 1, or for a bad PE (as dcZeroBlock), before anything changes
     */
    public void dcZeroRange(int pe, int agent, long pa, long size, int attrs) {
        checkPe(pe, attrs);
        int block = config.dczBlockSize();
        if (size < 1 || ((pa | size) & (block - 1)) != 0) {
            throw new IllegalArgumentException(String.format(
                    "DC ZVA range [0x%x, +0x%x): pa and size must be multiples of the %d-byte block, size >= 1", pa,
                    size, block));
        }
        AddressMap.Region r = map.find(pa);
        if (r == null || r.kind() != AddressMap.Kind.RAM || !r.contains(pa + size - 1)) {
            for (long off = 0; off < size; off += block) dcZeroBlock(pe, agent, pa + off, attrs);
            return;
        }
        for (long off = 0; off < size; off += block) zeroBlock(pe, agent, pa + off, attrs, r);
    }

    /** DC ZVA of the block holding pa, in RAM region r (checked by the caller). */
    private void zeroBlock(int pe, int agent, long pa, int attrs, AddressMap.Region r) {
        int block = config.dczBlockSize();
        long basePa = pa & -(long) block;
        emitMaintenance(pe, agent, Maintenance.DC_ZVA, pa);
        int piece = Math.min(16, block);
        boolean wb = pe >= 0 && Attrs.type(attrs) == Attrs.NORMAL_WB;
        for (long p = basePa; p < basePa + block; ) {
            long linePa = p & ~(long) lineOffMask;
            if (wb && block >= lineSize) {
                // A whole line: no fill needed (cell ZERO of LineTransitions).
                snoopOthers(pe, linePa, LineTransitions.SNOOP_WRITE, agent);
                Cache c = l1d[pe];
                apply(c, c.find(linePa), linePa, LineTransitions.ZERO, LineEvent.CAUSE_DEMAND, agent, null, 0);
                if (config.dic()) invalidateInstructionCopies(linePa, agent);
                emitZeroLine(pe, agent, linePa, attrs);
                p = linePa + lineSize;
            } else {
                writeChunk(pe, agent, AccessKind.ZERO, p, piece, attrs, 0L, 0L, r);
                p += piece;
            }
        }
    }

    /** IC IALLU (this PE's L1I) or IC IALLUIS (every PE's L1I). */
    public void icInvalidateAll(int pe, int agent, boolean innerShareable) {
        checkPeIndex(pe);
        emitMaintenance(pe, agent, innerShareable ? Maintenance.IC_IALLUIS : Maintenance.IC_IALLU, 0L);
        for (int m = 0; m < peCount; m++) {
            if (!innerShareable && m != pe) continue;
            Cache c = l1i[m];
            for (int slot = 0; slot < c.slots(); slot++) {
                long linePa = c.tags[slot];
                if (linePa != Cache.NO_LINE) {
                    apply(c, slot, linePa, LineTransitions.INVALIDATE, LineEvent.CAUSE_MAINTENANCE, agent, null, 0);
                }
            }
        }
    }

    /** IC IVAU: invalidate the line holding pa in every PE's L1I. */
    public void icInvalidatePa(int pe, int agent, long pa) {
        checkMaintenance(pe, pa);
        emitMaintenance(pe, agent, Maintenance.IC_IVAU, pa);
        icInvalidateLine(agent, pa & ~(long) lineOffMask);
    }

    /** The line work of IC IVAU: the line leaves every PE's L1I. */
    private void icInvalidateLine(int agent, long linePa) {
        for (int m = 0; m < peCount; m++) {
            Cache c = l1i[m];
            int slot = c.find(linePa);
            if (slot >= 0) apply(c, slot, linePa, LineTransitions.INVALIDATE, LineEvent.CAUSE_MAINTENANCE, agent, null, 0);
        }
    }

    /**
     * DC ISW / DC CSW / DC CISW on one line of one cache of PE {@code pe}: level 1 = that PE's L1D,
     * level 2 = the shared L2. The operand is decoded as the Arm ARM's set/way format ("DC ISW",
     * "DC CSW", "DC CISW": SetWay[31:4], Level[3:1], bit 0 RES0) for the CCSIDR_EL1 geometry: with
     * L = log2(line bytes), S = log2(sets), A = ceil(log2(ways)), Way is bits [31:32-A] and Set is bits
     * [L+S-1:L]. Every other bit must be zero, Way must be below the associativity.
     *
     * @throws IllegalArgumentException for a non-set/way op, a level without a data cache, a
     *     misaligned or out-of-range operand; nothing is changed then
     */
    public void dcSetWay(int pe, int agent, int op, long operand) {
        checkPeIndex(pe);
        if (!Maintenance.isSetWay(op)) {
            throw new IllegalArgumentException("not a set/way operation: " + Maintenance.name(op));
        }
        int slot = decodeSetWay(operand);
        int level = (int) ((operand >>> 1) & 0b111) + 1;
        Cache c = level == 1 ? l1d[pe] : l2;
        int event = op == Maintenance.DC_ISW ? LineTransitions.INVALIDATE
                : op == Maintenance.DC_CSW ? LineTransitions.CLEAN : LineTransitions.CLEAN_INVALIDATE;
        emitMaintenance(pe, agent, op, operand);
        long linePa = c.tags[slot];
        if (linePa != Cache.NO_LINE) apply(c, slot, linePa, event, LineEvent.CAUSE_MAINTENANCE, agent, null, 0);
    }

    /** Decodes a set/way operand to a slot (set * ways + way) of the level it names; see {@link #dcSetWay}. */
    int decodeSetWay(long operand) {
        if ((operand >>> 32) != 0) {
            throw new IllegalArgumentException(String.format("set/way operand 0x%x: bits [63:32] are RES0", operand));
        }
        if ((operand & 1) != 0) {
            throw new IllegalArgumentException(String.format("set/way operand 0x%x: bit 0 is RES0", operand));
        }
        int level = (int) ((operand >>> 1) & 0b111) + 1;
        if (level != 1 && level != 2) {
            throw new IllegalArgumentException(String.format(
                    "set/way operand 0x%x: level %d has no data or unified cache (CLIDR_EL1.LoC = 2)", operand, level));
        }
        CacheGeometry g = config.geometry(level, false);
        int l = lineShift;
        int s = g.setBits();
        int a = g.wayBits();
        long alignBits = ((1L << l) - 1) & ~0xfL; // bits [L-1:4]
        if ((operand & alignBits) != 0) {
            throw new IllegalArgumentException(String.format(
                    "set/way operand 0x%x: bits [%d:4] must be zero for %d-byte lines (misaligned set)", operand, l - 1, lineSize));
        }
        long gapBits = ((1L << (32 - a)) - 1) & ~((1L << (l + s)) - 1); // bits [31-A:L+S]
        if ((operand & gapBits) != 0) {
            throw new IllegalArgumentException(String.format(
                    "set/way operand 0x%x: set out of range, the level-%d cache has %d sets (bits [%d:%d] must be zero)",
                    operand, level, g.sets(), 31 - a, l + s));
        }
        int way = a == 0 ? 0 : (int) ((operand >>> (32 - a)) & ((1L << a) - 1));
        if (way >= g.ways()) {
            throw new IllegalArgumentException(String.format(
                    "set/way operand 0x%x: way %d out of range, the level-%d cache has %d ways", operand, way, level, g.ways()));
        }
        int set = (int) ((operand >>> l) & (g.sets() - 1));
        return set * g.ways() + way;
    }

    // =====================================================================================
    // The adversary's entry points (called by Adversary only; arguments checked there)
    // =====================================================================================

    private void tick() {
        if (--advCountdown <= 0 || seq >= nextScriptSeq) adversary.step();
    }

    /**
     * A speculative fill of linePa into an L1D or the L2, by the coherent path, installing a clean line.
     *
     * <p>Simplification: a prefetch into the L2 of a line held dirty in an L1D would, in hardware,
     * typically take a clean copy from memory or nothing at all; we snoop the owner, which writes
     * its line back into the L2 (so the L2 line is DIRTY, not CLEAN) and keeps a clean copy. Values
     * read by every agent are unchanged by this choice; it only moves the point where the data
     * becomes visible to non-cacheable readers later, which is something the adversary may do anyway
     * (write-backs at any time).
     */
    void adversarySpecFill(int cacheId, long pa, int agent) {
        long linePa = pa & ~(long) lineOffMask;
        AddressMap.Region r = map.find(linePa);
        if (r == null || r.kind() != AddressMap.Kind.RAM) return;
        if (Source.place(cacheId) == Source.L2) {
            if (l2.find(linePa) >= 0) return;
            // The newest data may be dirty in an L1D: the snoop writes it back into the L2 (the owner
            // keeps a clean copy), which installs the line there; else the L2 fills from RAM.
            for (int m = 0; m < peCount; m++) {
                int slot = l1d[m].find(linePa);
                if (slot >= 0 && l1d[m].states[slot] == LineState.DIRTY) {
                    snoop(l1d[m], linePa, LineTransitions.SNOOP_READ, agent);
                    return;
                }
            }
            r.ram.copyOut(linePa - r.basePa(), lineBuf, 0, lineSize);
            apply(l2, -1, linePa, LineTransitions.SPEC_FILL, LineEvent.CAUSE_SPECULATIVE, agent, lineBuf, 0);
            return;
        }
        int pe = Source.pe(cacheId);
        Cache c = l1d[pe];
        if (c.find(linePa) >= 0) return;
        gatherCoherent(pe, linePa, agent, r, false, LineEvent.CAUSE_SPECULATIVE);
        apply(c, -1, linePa, LineTransitions.SPEC_FILL, LineEvent.CAUSE_SPECULATIVE, agent, lineBuf, 0);
    }

    /** EVICT or CLEAN of the line holding pa in one cache, caused by the adversary. */
    void adversaryLine(int cacheId, long pa, int event, int agent) {
        Cache c = cache(cacheId);
        long linePa = pa & ~(long) lineOffMask;
        int slot = c.find(linePa);
        if (slot >= 0) apply(c, slot, linePa, event, LineEvent.CAUSE_ADVERSARY, agent, null, 0);
    }

    /** EVICT or CLEAN of some valid line of a cache chosen from {@code random} (a set, then a way). */
    void adversaryRandomVictim(int cacheId, int random, int event, int agent) {
        Cache c = cache(cacheId);
        int set = random % c.sets;
        int firstWay = (random / c.sets) % c.ways;
        for (int i = 0; i < c.ways; i++) {
            int slot = set * c.ways + (firstWay + i) % c.ways;
            long linePa = c.tags[slot];
            if (linePa != Cache.NO_LINE) {
                apply(c, slot, linePa, event, LineEvent.CAUSE_ADVERSARY, agent, null, 0);
                return;
            }
        }
    }

    // =====================================================================================
    // Inspection (tests, reports): no events, no state change
    // =====================================================================================

    /** The state of the line holding pa in cache {@code cacheId} ({@link #l1dId}, {@link #l1iId}, {@link #L2_ID}). */
    public int lineState(int cacheId, long pa) {
        Cache c = cache(cacheId);
        int slot = c.find(pa & ~(long) lineOffMask);
        return slot < 0 ? LineState.INVALID : c.states[slot];
    }

    /** Copies the bytes of the line holding pa in {@code cacheId} into {@code dst}; false if not present. */
    public boolean peekLine(int cacheId, long pa, byte[] dst) {
        Cache c = cache(cacheId);
        int slot = c.find(pa & ~(long) lineOffMask);
        if (slot < 0) return false;
        System.arraycopy(c.data, slot << lineShift, dst, 0, lineSize);
        return true;
    }

    /** Number of valid lines in a cache. */
    public int validLines(int cacheId) {
        Cache c = cache(cacheId);
        int n = 0;
        for (long t : c.tags) if (t != Cache.NO_LINE) n++;
        return n;
    }

    /** TEST/INSPECTION ONLY: reads RAM directly (no cache, no event, no allocation). */
    public long ramPeek(long pa, int size) {
        checkSize(size);
        AddressMap.Region r = checkMapped(pa, size, false);
        if (r.kind() != AddressMap.Kind.RAM) throw new IllegalArgumentException(String.format("pa 0x%x is not RAM", pa));
        long v = 0;
        for (int i = size - 1; i >= 0; i--) v = (v << 8) | r.ram.read(pa + i - r.basePa(), 1);
        return v;
    }

    /** TEST/SETUP ONLY: writes RAM directly, bypassing every cache and emitting no event. */
    public void ramPoke(long pa, int size, long value) {
        checkSize(size);
        AddressMap.Region r = checkMapped(pa, size, true);
        if (r.kind() != AddressMap.Kind.RAM) throw new IllegalArgumentException(String.format("pa 0x%x is not RAM", pa));
        for (int i = 0; i < size; i++) r.ram.write(pa + i - r.basePa(), 1, value >>> (8 * i));
        // RAM changed under any copy of the line(s) (an unaligned poke may straddle two)
        endWatch(pa & ~(long) lineOffMask);
        endWatch((pa + size - 1) & ~(long) lineOffMask);
    }

    // =====================================================================================
    // Checks and events
    // =====================================================================================

    Cache cache(int cacheId) {
        checkCacheId(cacheId);
        int place = Source.place(cacheId);
        if (place == Source.L2) return l2;
        return place == Source.L1D ? l1d[Source.pe(cacheId)] : l1i[Source.pe(cacheId)];
    }

    void checkCacheId(int cacheId) {
        int place = Source.place(cacheId);
        boolean ok = (place == Source.L2 && cacheId == L2_ID)
                || ((place == Source.L1D || place == Source.L1I) && (cacheId & ~0xff0f) == 0 && Source.pe(cacheId) < peCount);
        if (!ok) throw new IllegalArgumentException("no cache with id 0x" + Integer.toHexString(cacheId));
    }

    private static void checkSize(int size) {
        if (size <= 0 || size > 8 || ((LEGAL_SIZES >>> size) & 1) == 0) {
            throw new IllegalArgumentException("access size must be 1, 2, 4 or 8 bytes, got " + size);
        }
    }

    private void checkPeIndex(int pe) {
        if (pe < 0 || pe >= peCount) throw new IllegalArgumentException("pe must be in 0.." + (peCount - 1) + ", got " + pe);
    }

    private void checkPe(int pe, int attrs) {
        if (pe < -1 || pe >= peCount) {
            throw new IllegalArgumentException("pe must be -1 (no cache) or in 0.." + (peCount - 1) + ", got " + pe);
        }
        if (pe < 0 && Attrs.cacheable(attrs)) {
            throw new IllegalArgumentException("a cacheable access (" + Attrs.describe(attrs)
                    + ") needs a PE's cache hierarchy; pe = -1 is only legal for Non-cacheable/Device accesses");
        }
    }

    private void checkMaintenance(int pe, long pa) {
        checkPeIndex(pe);
        if (pa < 0 || (pa >>> config.paBits()) != 0) {
            throw new IllegalArgumentException(String.format("pa 0x%x is outside the %d-bit physical address space", pa,
                    config.paBits()));
        }
    }

    /** The region of [pa, pa+size); BusError if unmapped, straddling into/out of MMIO, or a ROM write without handler. */
    private AddressMap.Region checkMapped(long pa, int size, boolean write) {
        AddressMap.Region r = map.find(pa);
        if (r == null) throw new BusError(pa, write, "no region of the address map covers it");
        long lastPa = pa + size - 1;
        if (!r.contains(lastPa)) {
            AddressMap.Region r2 = map.find(lastPa);
            if (r2 == null) throw new BusError(lastPa, write, "no region of the address map covers it");
            if (r.kind() == AddressMap.Kind.MMIO || r2.kind() == AddressMap.Kind.MMIO) {
                throw new BusError(pa, write, "access straddles the MMIO window boundary of " + r + " and " + r2);
            }
            if (write && r2.kind() == AddressMap.Kind.ROM && r2.handler == null) {
                throw new BusError(lastPa, true, "ROM " + r2.name() + " has no write handler");
            }
        }
        if (write && r.kind() == AddressMap.Kind.ROM && r.handler == null) {
            throw new BusError(pa, true, "ROM " + r.name() + " has no write handler");
        }
        return r;
    }

    private void emitRead(int pe, int agent, int kind, long pa, int size, int attrs, long lo, long hi, int source) {
        long s = seq++;
        if (observed) for (MemoryObserver o : observers) o.onRead(s, pe, agent, kind, pa, size, attrs, lo, hi, source);
    }

    private void emitWrite(int pe, int agent, int kind, long pa, int size, int attrs, long lo, long hi) {
        long s = seq++;
        if (observed) {
            for (MemoryObserver o : observers) o.onWrite(s, pe, agent, kind, pa, size, attrs, lo, hi);
            // A write chunk lies inside one line: if a PE fetches from a copy of it, that copy ends.
            endWatch(pa & ~(long) lineOffMask);
        }
    }

    /** If line linePa is watched (a PE may fetch from a copy of it), ends the watch and every PE's copies. */
    private void endWatch(long linePa) {
        int w = watchSlot(linePa);
        if (watchedLinePa[w] == linePa) {
            watchedLinePa[w] = Cache.NO_LINE;
            bumpL1iGenerations();
        }
    }

    /**
     * The write event of a whole line zeroed by DC ZVA: one onWrite of kind ZERO and {@code lineSize}
     * bytes (all zero; lo = hi = 0) instead of lineSize / 16 16-byte ones, which cost the observers an
     * event each. It takes the seq numbers of those 16-byte writes (seq advances by lineSize / 16, the
     * event carrying the first), so the clock, and with it the adversary's schedule, is what it was
     * when DC ZVA was reported in 16-byte pieces, observed or not (see {@link MemoryObserver}).
     */
    private void emitZeroLine(int pe, int agent, long linePa, int attrs) {
        long s = seq;
        seq += lineSize >>> 4;
        if (observed) {
            for (MemoryObserver o : observers) {
                o.onWrite(s, pe, agent, AccessKind.ZERO, linePa, lineSize, attrs, 0L, 0L);
            }
            endWatch(linePa);
        }
    }

    private void emitLine(int event, Cache c, long linePa, int from, int to, int cause, int agent) {
        long s = seq++;
        if (observed) for (MemoryObserver o : observers) o.onLine(s, event, c.id, linePa, from, to, cause, agent);
    }

    private void emitMaintenance(int pe, int agent, int op, long operand) {
        long s = seq++;
        if (observed) for (MemoryObserver o : observers) o.onMaintenance(s, pe, agent, op, operand);
    }
}
