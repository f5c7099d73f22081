package org.cachevisor.machine.mmu;

import org.cachevisor.memsys.Attrs;

/**
 * Decoding of the architectural attribute encodings into {@link Attrs} and the stage-1/stage-2
 * combination rules. Pure static functions on ints (used on the walk path, never per access).
 *
 * <p>Sources: Arm ARM D13.2.97 MAIR_EL1 (Attr&lt;n&gt; encoding); D8.5 "Memory region attributes"
 * (stage-2 MemAttr[3:0]; "Combining the stage 1 and stage 2 attributes"; "Stage 2 memory type and
 * Cacheability attributes when FEAT_S2FWB is enabled"); D8.2 TCR_EL1.IRGNn/ORGNn/SHn.
 *
 * <p>Simplification: the architecture keeps Inner and Outer cacheability apart (and allocation and
 * transient hints, and the four Device types); {@link Attrs} holds one cacheability, so we take the
 * more restrictive of Inner and Outer and drop the hints and the Device type. The oracle compares
 * values, and an access that is cacheable only at one level behaves here like one that is cacheable
 * at neither, which can expose but never hide a missing clean to the PoC.
 */
public final class MemAttrs {
    private MemAttrs() {}

    /** Attrs type of one 4-bit MAIR cacheability field (Normal memory, Inner or Outer half). */
    static int mairHalfType(int half) {
        if (half == 0b0100) return Attrs.NORMAL_NC;
        // 0b00RW (RW != 00) WT transient, 0b01RW WB transient, 0b10RW WT, 0b11RW WB.
        return (half & 0b0100) != 0 ? Attrs.NORMAL_WB : Attrs.NORMAL_WT;
    }

    /**
     * The memory type ({@link Attrs#TYPE_MASK} part) of a MAIR_EL1 attribute byte: 0b0000dd00 Device,
     * otherwise Normal with the more restrictive of Outer [7:4] and Inner [3:0].
     * Simplification: the UNPREDICTABLE encodings (Inner 0b0000 with a non-zero Outer, Device with
     * bits [1:0] set) are read as Normal Non-cacheable and Device respectively.
     */
    public static int mairType(int attrByte) {
        int outer = (attrByte >>> 4) & 0xF, inner = attrByte & 0xF;
        if (outer == 0) return Attrs.DEVICE;
        if (inner == 0) return Attrs.NORMAL_NC;
        return Math.min(mairHalfType(outer), mairHalfType(inner));
    }

    /** The attribute byte AttrIndx selects from MAIR_EL1. */
    public static int mairByte(long mair, int attrIndx) {
        return (int) (mair >>> (8 * (attrIndx & 7))) & 0xFF;
    }

    /** Attrs shareability of a descriptor or TCR SH field: 00 NSH, 10 OSH, 11 ISH (01 reserved, read as NSH). */
    public static int shareability(int sh) {
        return switch (sh & 3) {
            case 0b10 -> Attrs.OSH;
            case 0b11 -> Attrs.ISH;
            default -> Attrs.NSH;
        };
    }

    /** The 2-bit SH encoding of an Attrs shareability (for PAR_EL1.SH). */
    public static int shField(int attrs) {
        return switch (attrs & Attrs.SH_MASK) {
            case Attrs.OSH -> 0b10;
            case Attrs.ISH -> 0b11;
            default -> 0b00;
        };
    }

    /** Device and Normal Non-cacheable memory are always Outer Shareable (Arm ARM D8.5.2). */
    public static int normalizeSh(int attrs) {
        return Attrs.type(attrs) <= Attrs.NORMAL_NC ? Attrs.make(Attrs.type(attrs), Attrs.OSH) : attrs;
    }

    /** Attrs of a table walk given IRGN, ORGN (00 NC, 01 WB, 10 WT, 11 WB) and SH fields. */
    public static int walkAttrs(int irgn, int orgn, int sh) {
        int type = Math.min(rgnType(irgn), rgnType(orgn));
        return normalizeSh(Attrs.make(type, shareability(sh)));
    }

    private static int rgnType(int rgn) {
        return switch (rgn & 3) {
            case 0b00 -> Attrs.NORMAL_NC;
            case 0b10 -> Attrs.NORMAL_WT;
            default -> Attrs.NORMAL_WB;
        };
    }

    /** Type of a stage-2 MemAttr[3:0] without FWB: [3:2] = 00 Device, else Normal Outer [3:2], Inner [1:0]. */
    public static int s2MemAttrType(int memAttr) {
        int outer = (memAttr >>> 2) & 3, inner = memAttr & 3;
        if (outer == 0) return Attrs.DEVICE;
        // 01 NC, 10 WT, 11 WB; Inner 00 is reserved (read as NC).
        return Math.min(s2HalfType(outer), s2HalfType(inner));
    }

    private static int s2HalfType(int v) {
        return switch (v) {
            case 0b10 -> Attrs.NORMAL_WT;
            case 0b11 -> Attrs.NORMAL_WB;
            default -> Attrs.NORMAL_NC;
        };
    }

    /**
     * Combines stage-1 attributes {@code s1} (already with SCTLR_EL1.C/I and HCR_EL2.DC applied) with
     * the stage-2 descriptor's MemAttr[3:0] and SH. Without FWB: the more restrictive type (Device
     * beats NC beats WT beats WB), the more shareable domain. With HCR_EL2.FWB = 1: MemAttr[2] = 0
     * Device; 0b101 Normal NC combined with stage 1 (Device at stage 1 stays Device); 0b110 forced
     * Normal Write-Back whatever stage 1 says (Device too); 0b111 stage 1's attributes; 0b100
     * (reserved) read as 0b101.
     */
    public static int combine(int s1, int memAttr, int s2Sh, boolean fwb) {
        int sh = Math.max(s1 & Attrs.SH_MASK, shareability(s2Sh));
        int type;
        if (!fwb) {
            type = Math.min(Attrs.type(s1), s2MemAttrType(memAttr));
        } else if ((memAttr & 0b100) == 0) {
            type = Attrs.DEVICE;
        } else {
            type = switch (memAttr & 0b11) {
                case 0b10 -> Attrs.NORMAL_WB;
                case 0b11 -> Attrs.type(s1);
                default -> Math.min(Attrs.type(s1), Attrs.NORMAL_NC);
            };
        }
        return normalizeSh(Attrs.make(type, sh));
    }
}
