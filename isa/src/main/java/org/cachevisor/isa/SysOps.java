package org.cachevisor.isa;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The SYS operations that have alias names (Arm ARM "SysOp()" of the AT, DC, IC and TLBI aliases
 * of SYS): name &lt;-&gt; (op1, CRn, CRm, op2), and whether the operation takes a register Xt.
 */
public final class SysOps {
    /** Alias kinds, as returned by {@link #kind}. */
    public static final int NONE = 0, AT = 1, DC = 2, IC = 3, TLBI = 4;

    /** One named operation. */
    public record Op(int kind, String name, int op1, int crn, int crm, int op2, boolean hasXt) {
        int key() { return key(op1, crn, crm, op2); }
        static int key(int op1, int crn, int crm, int op2) { return (op1 << 11) | (crn << 7) | (crm << 3) | op2; }
    }

    private static final List<Op> OPS = new ArrayList<>();
    private static final Map<Integer, Op> BY_KEY = new HashMap<>();
    private static final Map<String, Op> BY_NAME = new HashMap<>();

    private static void add(int kind, String name, int op1, int crn, int crm, int op2, boolean xt) {
        Op op = new Op(kind, name, op1, crn, crm, op2, xt);
        if (BY_KEY.putIfAbsent(op.key(), op) != null) throw new IllegalStateException("duplicate sys op " + name);
        BY_NAME.put(kindName(kind) + " " + name, op);
        OPS.add(op);
    }

    static {
        // AT: CRn = 7, CRm = 8 (or 9 for the PAN variants).
        add(AT, "s1e1r", 0, 7, 8, 0, true); add(AT, "s1e1w", 0, 7, 8, 1, true);
        add(AT, "s1e0r", 0, 7, 8, 2, true); add(AT, "s1e0w", 0, 7, 8, 3, true);
        add(AT, "s1e1rp", 0, 7, 9, 0, true); add(AT, "s1e1wp", 0, 7, 9, 1, true);
        add(AT, "s1e2r", 4, 7, 8, 0, true); add(AT, "s1e2w", 4, 7, 8, 1, true);
        add(AT, "s12e1r", 4, 7, 8, 4, true); add(AT, "s12e1w", 4, 7, 8, 5, true);
        add(AT, "s12e0r", 4, 7, 8, 6, true); add(AT, "s12e0w", 4, 7, 8, 7, true);
        add(AT, "s1e3r", 6, 7, 8, 0, true); add(AT, "s1e3w", 6, 7, 8, 1, true);
        // DC: CRn = 7.
        add(DC, "ivac", 0, 7, 6, 1, true); add(DC, "isw", 0, 7, 6, 2, true);
        add(DC, "csw", 0, 7, 10, 2, true); add(DC, "cisw", 0, 7, 14, 2, true);
        add(DC, "zva", 3, 7, 4, 1, true); add(DC, "cvac", 3, 7, 10, 1, true);
        add(DC, "cvau", 3, 7, 11, 1, true); add(DC, "cvap", 3, 7, 12, 1, true);
        add(DC, "cvadp", 3, 7, 13, 1, true); add(DC, "civac", 3, 7, 14, 1, true);
        // FEAT_MTE tag maintenance (named by objdump; the machine treats them as UNDEFINED)
        add(DC, "gva", 3, 7, 4, 3, true); add(DC, "gzva", 3, 7, 4, 4, true);
        add(DC, "igvac", 0, 7, 6, 3, true); add(DC, "igsw", 0, 7, 6, 4, true);
        add(DC, "igdvac", 0, 7, 6, 5, true); add(DC, "igdsw", 0, 7, 6, 6, true);
        add(DC, "cgvac", 3, 7, 10, 3, true); add(DC, "cgdvac", 3, 7, 10, 5, true);
        add(DC, "cgsw", 0, 7, 10, 4, true); add(DC, "cgdsw", 0, 7, 10, 6, true);
        add(DC, "cgvap", 3, 7, 12, 3, true); add(DC, "cgdvap", 3, 7, 12, 5, true);
        add(DC, "cgvadp", 3, 7, 13, 3, true); add(DC, "cgdvadp", 3, 7, 13, 5, true);
        add(DC, "cigvac", 3, 7, 14, 3, true); add(DC, "cigdvac", 3, 7, 14, 5, true);
        add(DC, "cigsw", 0, 7, 14, 4, true); add(DC, "cigdsw", 0, 7, 14, 6, true);
        // FEAT_RME (named by objdump; UNDEFINED for the machine)
        add(DC, "cipapa", 6, 7, 14, 1, true); add(DC, "cigdpapa", 6, 7, 14, 5, true);
        // IC: CRn = 7.
        add(IC, "ialluis", 0, 7, 1, 0, false); add(IC, "iallu", 0, 7, 5, 0, false);
        add(IC, "ivau", 3, 7, 5, 1, true);
        // TLBI: CRn = 8 (ARMv8.0 and the FEAT_TLBIOS / FEAT_TLBIRANGE additions).
        String[][] el1 = {{"vmalle1", "0", "n"}, {"vae1", "1", "y"}, {"aside1", "2", "y"}, {"vaae1", "3", "y"}, {"vale1", "5", "y"}, {"vaale1", "7", "y"}};
        for (String[] e : el1) {
            int op2 = Integer.parseInt(e[1]);
            boolean xt = e[2].equals("y");
            add(TLBI, e[0] + "os", 0, 8, 1, op2, xt);
            add(TLBI, e[0] + "is", 0, 8, 3, op2, xt);
            add(TLBI, e[0], 0, 8, 7, op2, xt);
            if (xt && op2 != 2) {
                add(TLBI, "r" + e[0] + "is", 0, 8, 2, op2, true);
                add(TLBI, "r" + e[0] + "os", 0, 8, 5, op2, true);
                add(TLBI, "r" + e[0], 0, 8, 6, op2, true);
            }
        }
        add(TLBI, "ipas2e1is", 4, 8, 0, 1, true); add(TLBI, "ipas2le1is", 4, 8, 0, 5, true);
        add(TLBI, "ripas2e1is", 4, 8, 0, 2, true); add(TLBI, "ripas2le1is", 4, 8, 0, 6, true);
        add(TLBI, "ipas2e1", 4, 8, 4, 1, true); add(TLBI, "ipas2le1", 4, 8, 4, 5, true);
        add(TLBI, "ipas2e1os", 4, 8, 4, 0, true); add(TLBI, "ipas2le1os", 4, 8, 4, 4, true);
        add(TLBI, "ripas2e1", 4, 8, 4, 2, true); add(TLBI, "ripas2le1", 4, 8, 4, 6, true);
        add(TLBI, "ripas2e1os", 4, 8, 4, 3, true); add(TLBI, "ripas2le1os", 4, 8, 4, 7, true);
        String[][] el2 = {{"alle2", "0", "n"}, {"vae2", "1", "y"}, {"alle1", "4", "n"}, {"vale2", "5", "y"}, {"vmalls12e1", "6", "n"}};
        for (String[] e : el2) {
            int op2 = Integer.parseInt(e[1]);
            boolean xt = e[2].equals("y");
            add(TLBI, e[0] + "os", 4, 8, 1, op2, xt);
            add(TLBI, e[0] + "is", 4, 8, 3, op2, xt);
            add(TLBI, e[0], 4, 8, 7, op2, xt);
            if (xt) {
                add(TLBI, "r" + e[0] + "is", 4, 8, 2, op2, true);
                add(TLBI, "r" + e[0] + "os", 4, 8, 5, op2, true);
                add(TLBI, "r" + e[0], 4, 8, 6, op2, true);
            }
        }
        add(TLBI, "paallos", 6, 8, 1, 4, false); add(TLBI, "paall", 6, 8, 7, 4, false);
        add(TLBI, "rpaos", 6, 8, 4, 3, true); add(TLBI, "rpalos", 6, 8, 4, 7, true);
        String[][] el3 = {{"alle3", "0", "n"}, {"vae3", "1", "y"}, {"vale3", "5", "y"}};
        for (String[] e : el3) {
            int op2 = Integer.parseInt(e[1]);
            boolean xt = e[2].equals("y");
            add(TLBI, e[0] + "os", 6, 8, 1, op2, xt);
            add(TLBI, e[0] + "is", 6, 8, 3, op2, xt);
            add(TLBI, e[0], 6, 8, 7, op2, xt);
            if (xt) {
                add(TLBI, "r" + e[0] + "is", 6, 8, 2, op2, true);
                add(TLBI, "r" + e[0] + "os", 6, 8, 5, op2, true);
                add(TLBI, "r" + e[0], 6, 8, 6, op2, true);
            }
        }
    }

    private SysOps() {}

    /** Every named operation. */
    public static List<Op> all() { return Collections.unmodifiableList(OPS); }

    /** The named operation at (op1, CRn, CRm, op2), or null. */
    public static Op lookup(int op1, int crn, int crm, int op2) {
        return BY_KEY.get(Op.key(op1, crn, crm, op2));
    }

    /** The operation of kind {@code kind} named {@code name} (lower case), or null. */
    public static Op byName(int kind, String name) {
        return BY_NAME.get(kindName(kind) + " " + name);
    }

    /**
     * The alias kind (AT, DC, IC, TLBI) of SYS #op1, Cn, Cm, #op2, Xt, or NONE if the operation is
     * not named. As in the Arm ARM's alias conditions (and objdump), Rt does not matter: an
     * operation without Xt (e.g. IC IALLU) is still that alias when Rt != 31.
     */
    public static int kind(int op1, int crn, int crm, int op2, int rt) {
        Op op = lookup(op1, crn, crm, op2);
        return op == null ? NONE : op.kind();
    }

    static String kindName(int kind) {
        switch (kind) {
            case AT: return "at";
            case DC: return "dc";
            case IC: return "ic";
            case TLBI: return "tlbi";
            default: return "sys";
        }
    }
}
