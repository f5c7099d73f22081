package org.cachevisor.memsys;

/**
 * The behaviour of one cache line as an explicit table: (state, event) -> next state + actions +
 * the {@link LineEvent} reported to observers. The cache code ({@link MemorySystem}) looks every
 * transition up here and performs the listed actions; nothing about line states is decided
 * elsewhere. A unit test walks every cell.
 *
 * <p>States are {@link LineState} (INVALID, CLEAN, DIRTY). The same table serves the L1Ds, the L2
 * and the L1Is: the L1I only ever sees LOCAL_READ (fill), SPEC_FILL, INVALIDATE and EVICT, so its
 * lines can only be CLEAN.
 *
 * <p>Actions, performed in this order by the cache code:
 * <ol>
 *   <li>{@link #SUPPLY_DATA}: copy the line's bytes out to the requester (a snoop hit);</li>
 *   <li>{@link #WRITE_BACK}: write the line's bytes to the level below (L1D to L2, L2 to RAM);</li>
 *   <li>{@link #ALLOCATE}: take a way of the set for the line (evicting a victim first);</li>
 *   <li>{@link #FILL_FROM_BELOW}: copy the line's bytes in (from L2, RAM, or a snooped copy);</li>
 *   <li>{@link #ABSORB_LINE}: copy in a whole line written back from the level above;</li>
 *   <li>{@link #ZERO_DATA}: set the line's bytes to zero (DC ZVA on a whole line);</li>
 *   <li>{@link #MERGE_DATA}: write the access's bytes into the line;</li>
 *   <li>{@link #WRITE_THROUGH}: also write the access's bytes to the levels below (Write-Through);</li>
 *   <li>{@link #DROP}: free the way (the line becomes INVALID);</li>
 * </ol>
 * then the state becomes the cell's next state.
 */
public final class LineTransitions {
    private LineTransitions() {}

    // ---- events ----
    /** A cacheable read (or instruction fetch into an L1I) by the cache's own PE. */
    public static final int LOCAL_READ = 0;
    /** A cacheable Write-Back write by the cache's own PE (write-allocate). */
    public static final int LOCAL_WRITE = 1;
    /** A cacheable Write-Through write by the cache's own PE (no allocate). */
    public static final int LOCAL_WRITE_THROUGH = 2;
    /** Another PE's cacheable read snoops this L1D. */
    public static final int SNOOP_READ = 3;
    /** Another PE's cacheable write (or DC ZVA) snoops this L1D: the copy must go. */
    public static final int SNOOP_WRITE = 4;
    /** Clean (DC CVAC, DC CVAU, DC CSW). */
    public static final int CLEAN = 5;
    /** Invalidate without write-back (DC IVAC, DC ISW, IC IVAU/IALLU). */
    public static final int INVALIDATE = 6;
    /** Clean and invalidate (DC CIVAC, DC CISW). */
    public static final int CLEAN_INVALIDATE = 7;
    /** Replacement or an adversary eviction. */
    public static final int EVICT = 8;
    /** A speculative fill (the adversary; follows the coherent path, installs a clean line). */
    public static final int SPEC_FILL = 9;
    /** DC ZVA zeroing a whole line in this cache (the line becomes dirty zeros, no fill needed). */
    public static final int ZERO = 10;
    /** The level above writes a dirty line back into this cache (L1D write-back into the L2). */
    public static final int WRITE_BACK_IN = 11;

    public static final int EVENT_COUNT = 12;

    private static final String[] EVENT_NAMES = {"LOCAL_READ", "LOCAL_WRITE", "LOCAL_WRITE_THROUGH", "SNOOP_READ",
            "SNOOP_WRITE", "CLEAN", "INVALIDATE", "CLEAN_INVALIDATE", "EVICT", "SPEC_FILL", "ZERO", "WRITE_BACK_IN"};

    // ---- actions (bit set) ----
    public static final int NONE = 0;
    public static final int SUPPLY_DATA = 1;
    public static final int WRITE_BACK = 1 << 1;
    public static final int ALLOCATE = 1 << 2;
    public static final int FILL_FROM_BELOW = 1 << 3;
    public static final int ABSORB_LINE = 1 << 4;
    public static final int ZERO_DATA = 1 << 5;
    public static final int MERGE_DATA = 1 << 6;
    public static final int WRITE_THROUGH = 1 << 7;
    public static final int DROP = 1 << 8;

    private static final String[] ACTION_NAMES = {"SUPPLY_DATA", "WRITE_BACK", "ALLOCATE", "FILL_FROM_BELOW",
            "ABSORB_LINE", "ZERO_DATA", "MERGE_DATA", "WRITE_THROUGH", "DROP"};

    /** "No event to report" in {@link #reported}. */
    public static final int NO_EVENT = -1;

    private static final int I = LineState.INVALID, C = LineState.CLEAN, D = LineState.DIRTY;

    private static final int CELLS = 3 * EVENT_COUNT;
    private static final byte[] NEXT = new byte[CELLS];
    private static final short[] ACTIONS = new short[CELLS];
    private static final byte[] REPORTED = new byte[CELLS];

    private static void cell(int state, int event, int next, int actions, int reported) {
        int i = event * 3 + state;
        NEXT[i] = (byte) next;
        ACTIONS[i] = (short) actions;
        REPORTED[i] = (byte) reported;
    }

    static {
        final int n = NO_EVENT;
        //   state  event                next  actions                                              reported
        cell(I, LOCAL_READ,           C, ALLOCATE | FILL_FROM_BELOW,                             n);
        cell(C, LOCAL_READ,           C, NONE,                                                   n);
        cell(D, LOCAL_READ,           D, NONE,                                                   n);

        cell(I, LOCAL_WRITE,          D, ALLOCATE | FILL_FROM_BELOW | MERGE_DATA,                LineEvent.UPDATE);
        cell(C, LOCAL_WRITE,          D, MERGE_DATA,                                             LineEvent.UPDATE);
        cell(D, LOCAL_WRITE,          D, MERGE_DATA,                                             LineEvent.UPDATE);

        cell(I, LOCAL_WRITE_THROUGH,  I, WRITE_THROUGH,                                          n);
        cell(C, LOCAL_WRITE_THROUGH,  C, MERGE_DATA | WRITE_THROUGH,                             LineEvent.UPDATE);
        cell(D, LOCAL_WRITE_THROUGH,  D, MERGE_DATA | WRITE_THROUGH,                             LineEvent.UPDATE);

        cell(I, SNOOP_READ,           I, NONE,                                                   n);
        cell(C, SNOOP_READ,           C, SUPPLY_DATA,                                            n);
        cell(D, SNOOP_READ,           C, SUPPLY_DATA | WRITE_BACK,                               LineEvent.CLEAN);

        cell(I, SNOOP_WRITE,          I, NONE,                                                   n);
        cell(C, SNOOP_WRITE,          I, DROP,                                                   LineEvent.INVALIDATE);
        cell(D, SNOOP_WRITE,          I, SUPPLY_DATA | DROP,                                     LineEvent.INVALIDATE);

        cell(I, CLEAN,                I, NONE,                                                   n);
        cell(C, CLEAN,                C, NONE,                                                   n);
        cell(D, CLEAN,                C, WRITE_BACK,                                             LineEvent.CLEAN);

        cell(I, INVALIDATE,           I, NONE,                                                   n);
        cell(C, INVALIDATE,           I, DROP,                                                   LineEvent.INVALIDATE);
        cell(D, INVALIDATE,           I, DROP,                                                   LineEvent.INVALIDATE);

        cell(I, CLEAN_INVALIDATE,     I, NONE,                                                   n);
        cell(C, CLEAN_INVALIDATE,     I, DROP,                                                   LineEvent.EVICT);
        cell(D, CLEAN_INVALIDATE,     I, WRITE_BACK | DROP,                                      LineEvent.EVICT);

        cell(I, EVICT,                I, NONE,                                                   n);
        cell(C, EVICT,                I, DROP,                                                   LineEvent.EVICT);
        cell(D, EVICT,                I, WRITE_BACK | DROP,                                      LineEvent.EVICT);

        cell(I, SPEC_FILL,            C, ALLOCATE | FILL_FROM_BELOW,                             n);
        cell(C, SPEC_FILL,            C, NONE,                                                   n);
        cell(D, SPEC_FILL,            D, NONE,                                                   n);

        cell(I, ZERO,                 D, ALLOCATE | ZERO_DATA,                                   LineEvent.UPDATE);
        cell(C, ZERO,                 D, ZERO_DATA,                                              LineEvent.UPDATE);
        cell(D, ZERO,                 D, ZERO_DATA,                                              LineEvent.UPDATE);

        cell(I, WRITE_BACK_IN,        D, ALLOCATE | ABSORB_LINE,                                 LineEvent.UPDATE);
        cell(C, WRITE_BACK_IN,        D, ABSORB_LINE,                                            LineEvent.UPDATE);
        cell(D, WRITE_BACK_IN,        D, ABSORB_LINE,                                            LineEvent.UPDATE);
    }

    /** The state after {@code event} hits a line in {@code state}. */
    public static int next(int state, int event) { return NEXT[event * 3 + state]; }

    /** The actions (bit set) {@code event} performs on a line in {@code state}. */
    public static int actions(int state, int event) { return ACTIONS[event * 3 + state]; }

    /**
     * The {@link LineEvent} reported for the transition, or {@link #NO_EVENT}. In addition, a
     * {@link LineEvent#FILL} is reported for {@link #FILL_FROM_BELOW} and a {@link LineEvent#WRITEBACK}
     * for {@link #WRITE_BACK}, before this one.
     */
    public static int reported(int state, int event) { return REPORTED[event * 3 + state]; }

    public static boolean has(int actions, int action) { return (actions & action) != 0; }

    public static String eventName(int event) {
        return event >= 0 && event < EVENT_COUNT ? EVENT_NAMES[event] : "event" + event;
    }

    /** e.g. {@code WRITE_BACK|DROP}, or {@code NONE}. */
    public static String actionNames(int actions) {
        if (actions == 0) return "NONE";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ACTION_NAMES.length; i++) {
            if ((actions & (1 << i)) != 0) {
                if (sb.length() > 0) sb.append('|');
                sb.append(ACTION_NAMES[i]);
            }
        }
        return sb.toString();
    }
}
