package org.cachevisor.machine.mmu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cachevisor.machine.mmu.PageTables.*;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;

/**
 * Random stage-1 (and stage-2) tables, random junk descriptors among them, random accesses: the
 * MMU's answer (PA and attributes, or the fault's kind, level, stage, S1PTW and IPA) equals what a
 * naive recursive reference walker written here from the Arm ARM descriptor formats says. The
 * reference reads RAM directly (tables are written with ramPoke before the first walk, so the
 * caches can only hold equal copies); it knows nothing of the TLB, which the MMU uses across the
 * queries of one try. A failing try prints its seed (the jqwik parameter).
 */
class MmuWalkProperties {
    static final int OA_BITS = 40; // min(TCR_EL1.IPS = 48 bits, the 40-bit PA range)

    @Property(tries = 150)
    void translate_randomStage1Tables_matchesReferenceWalker(@ForAll long seed) {
        run(seed, false);
    }

    @Property(tries = 150)
    void translate_randomStage1AndStage2Tables_matchesReferenceWalker(@ForAll long seed) {
        run(seed, true);
    }

    @Property(tries = 100)
    void translate_randomStage2TablesWithStage1Off_matchesReferenceWalker(@ForAll long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        PageTables pt = new PageTables();
        Ref ref = new Ref(pt, rnd, true);
        boolean dc = rnd.nextBoolean(); // HCR_EL2.DC = 1, or SCTLR_EL1.M = 0 with HCR_EL2.VM = 1
        TranslationContext c = ref.context();
        if (dc) c.hcrEl2 |= TranslationContext.HCR_DC;
        else c.sctlrEl1 &= ~TranslationContext.SCTLR_M;
        Mmu mmu = new Mmu(pt.mem, 0, new Tlb(16, 2), null);
        mmu.setContext(c);
        for (int q = 0; q < 200; q++) {
            long ipa = rnd.nextInt(8) == 0 ? rnd.nextLong() & ((1L << 41) - 1) : rnd.nextLong() & (RAM_SIZE - 1);
            int access = rnd.nextInt(5);
            int el = rnd.nextInt(2);
            String expected = ref.translateStage1Off(ipa, access, dc);
            long pa = mmu.translate(ipa, access, el);
            String actual = pa == Mmu.FAULT ? render(mmu.fault()) : "pa=" + Long.toHexString(pa) + " attrs=" + mmu.attrs();
            assertThat(actual).as("seed %d query %d ipa 0x%x access %d el %d dc %b", seed, q, ipa, access, el, dc)
                    .isEqualTo(expected);
        }
    }

    private void run(long seed, boolean stage2) {
        SplittableRandom rnd = new SplittableRandom(seed);
        PageTables pt = new PageTables();
        Ref ref = new Ref(pt, rnd, stage2);
        Mmu mmu = new Mmu(pt.mem, 0, new Tlb(16, 2), null);
        mmu.setContext(ref.context());
        for (int q = 0; q < 200; q++) {
            long va = ref.randomVa();
            int access = rnd.nextInt(5);
            int el = rnd.nextInt(2);
            String expected = ref.translate(va, access, el);
            long pa = mmu.translate(va, access, el);
            String actual = pa == Mmu.FAULT ? render(mmu.fault()) : "pa=" + Long.toHexString(pa) + " attrs=" + mmu.attrs();
            Statistics.label("outcome").collect(expected.startsWith("pa=") ? "translated"
                    : expected.substring(0, expected.indexOf(" level")) + (expected.contains("s2=true") ? " stage 2" : ""));
            assertThat(actual).as("seed %d query %d va 0x%x access %d el %d", seed, q, va, access, el).isEqualTo(expected);
        }
    }

    static String render(FaultRecord f) {
        return "fault type=" + f.type + " level=" + f.level + " s2=" + f.stage2 + " s1ptw=" + f.s1ptw
                + (f.stage2 ? " ipa=" + Long.toHexString(f.ipa) : "");
    }

    static String fault(int type, int level, boolean s2, boolean s1ptw, long ipa) {
        return "fault type=" + type + " level=" + level + " s2=" + s2 + " s1ptw=" + s1ptw
                + (s2 ? " ipa=" + Long.toHexString(ipa) : "");
    }

    static long bits(long x, int hi, int lo) { return (x >>> lo) & ((1L << (hi - lo + 1)) - 1); }

    static boolean bit(long x, int n) { return ((x >>> n) & 1) != 0; }

    /** The reference: table generation and a recursive walker. */
    static final class Ref {
        final PageTables pt;
        final SplittableRandom rnd;
        final boolean s2On, fwb, cBit, iBit, wxn;
        final int t0sz;
        final long root, s2Root;
        final List<Long> vas = new ArrayList<>();

        Ref(PageTables pt, SplittableRandom rnd, boolean s2On) {
            this.pt = pt;
            this.rnd = rnd;
            this.s2On = s2On;
            int[] sizes = {16, 25, 33, 39};
            t0sz = sizes[rnd.nextInt(sizes.length)];
            fwb = s2On && rnd.nextBoolean();
            cBit = rnd.nextInt(4) != 0;
            iBit = rnd.nextInt(4) != 0;
            wxn = rnd.nextInt(4) == 0;
            root = pt.newTable();
            s2Root = s2On ? pt.newS2Root() : 0;
            int inputSize = 64 - t0sz;
            int start = startLevel();
            int firstBits = inputSize - (12 + 9 * (3 - start));
            int n = 1 + rnd.nextInt(24);
            for (int i = 0; i < n; i++) {
                // VAs clustered in a few regions so that tables are shared and blocks collide with tables.
                long va = (rnd.nextLong() & ((1L << inputSize) - 1)) & ~0xFFFL;
                if (rnd.nextBoolean() && !vas.isEmpty()) va = (vas.get(rnd.nextInt(vas.size())) ^ (rnd.nextInt(8) << 12 << rnd.nextInt(20)));
                va &= (1L << inputSize) - 1;
                int level = Math.max(start == 0 ? 1 : start, 1 + rnd.nextInt(3));
                int shift = 12 + 9 * (3 - level);
                long out = (rnd.nextInt(8) == 0 ? rnd.nextLong() & ((1L << 42) - 1) : rnd.nextLong() & (RAM_SIZE - 1)) & -(1L << shift);
                long leaf = s1Leaf(level == 3, out, rnd.nextInt(5), rnd.nextInt(4), new int[] {0, 2, 3}[rnd.nextInt(3)],
                        rnd.nextInt(8) != 0, rnd.nextBoolean(), rnd.nextInt(3) == 0, rnd.nextInt(3) == 0);
                if (level < start) continue;
                pt.map(root, start, firstBits, va, level, leaf);
                vas.add(va);
            }
            // Table attributes on some table descriptors, and junk in some table slots: stage-1 tables
            // only (the stage-2 root, two concatenated pages, is filled by buildStage2 below, whose
            // mapS2 follows the table descriptors it finds: junk there would send it outside RAM).
            long end = pt.allocatedEnd();
            for (long t = TABLE_POOL; t < end; t += 4096) {
                if (s2On && t - s2Root >= 0 && t - s2Root < 2 * 4096) continue;
                for (int k = 0; k < 512; k++) {
                    long d = pt.mem.ramPeek(t + 8L * k, 8);
                    if ((d & 3) == 3 && rnd.nextInt(6) == 0) {
                        d |= (long) rnd.nextInt(4) << 61 | (rnd.nextBoolean() ? 1L << 60 : 0) | (rnd.nextBoolean() ? 1L << 59 : 0);
                        pt.mem.ramPoke(t + 8L * k, 8, d);
                    }
                }
                if (rnd.nextInt(3) == 0) {
                    long junk = switch (rnd.nextInt(4)) {
                        case 0 -> rnd.nextLong();
                        case 1 -> (rnd.nextLong() & 0xFFFF_F000L) | 3;            // table/page somewhere in 4 GiB
                        case 2 -> (1L << (40 + rnd.nextInt(8))) | 3;              // beyond the output size
                        default -> (rnd.nextLong() & (RAM_SIZE - 1) & ~0xFFFL) | 1; // block (or invalid at L0/L3)
                    };
                    pt.mem.ramPoke(t + 8L * rnd.nextInt(512), 8, junk);
                }
            }
            if (s2On) buildStage2();
        }

        private void buildStage2() {
            // Identity-ish map of most of RAM (tables included), some holes and odd attributes.
            int[] memAttrs = fwb ? new int[] {0b0000, 0b0101, 0b0110, 0b0111} : new int[] {0b0000, 0b0101, 0b1010, 0b1111, 0b1101};
            for (long ipa = 0; ipa < RAM_SIZE; ipa += 2L << 20) {
                int r = rnd.nextInt(10);
                if (r == 0) continue; // hole: stage-2 translation fault
                int memAttr = memAttrs[rnd.nextInt(memAttrs.length)];
                int s2ap = rnd.nextInt(5) == 0 ? rnd.nextInt(4) : 0b11;
                boolean af = rnd.nextInt(12) != 0;
                boolean xn = rnd.nextInt(4) == 0;
                int sh = new int[] {0, 2, 3}[rnd.nextInt(3)];
                long outPa = rnd.nextInt(6) == 0 ? (rnd.nextLong() & (RAM_SIZE - 1)) & -(2L << 20) : ipa;
                if (r == 1) {
                    // Split into pages.
                    for (long p = ipa; p < ipa + (2L << 20); p += 64L << 12) {
                        pt.mapS2(s2Root, p, 3, s2Leaf(true, outPa + (p - ipa), memAttr, s2ap, sh, af, xn));
                    }
                } else {
                    pt.mapS2(s2Root, ipa, 2, s2Leaf(false, outPa, memAttr, s2ap, sh, af, xn));
                }
            }
            // Tables of stage 1 must mostly be readable: map the table pool identity, read/write.
            for (long ipa = TABLE_POOL; ipa < TABLE_POOL + (8L << 20); ipa += 2L << 20) {
                if (rnd.nextInt(8) == 0) continue;
                pt.mapS2(s2Root, ipa, 2, s2Leaf(false, ipa, 0b1111, rnd.nextInt(8) == 0 ? 0b10 : 0b11, 0b11, true, false));
            }
        }

        TranslationContext context() {
            TranslationContext c = s1Context(root, 9);
            c.tcrEl1 = (c.tcrEl1 & ~63L) | t0sz;
            c.sctlrEl1 &= ~(TranslationContext.SCTLR_C | TranslationContext.SCTLR_I);
            if (cBit) c.sctlrEl1 |= TranslationContext.SCTLR_C;
            if (iBit) c.sctlrEl1 |= TranslationContext.SCTLR_I;
            if (wxn) c.sctlrEl1 |= TranslationContext.SCTLR_WXN;
            if (s2On) {
                withS2(c, s2Root, 4);
                if (fwb) c.hcrEl2 |= TranslationContext.HCR_FWB;
            }
            return c;
        }

        long randomVa() {
            int inputSize = 64 - t0sz;
            if (rnd.nextInt(10) == 0) return rnd.nextLong() & 0x00FF_FFFF_FFFF_FFFFL & ~(1L << 55); // maybe out of range
            if (vas.isEmpty() || rnd.nextInt(5) == 0) return rnd.nextLong() & ((1L << inputSize) - 1);
            return vas.get(rnd.nextInt(vas.size())) + (rnd.nextLong() & (rnd.nextInt(4) != 0 ? 0xFFF : 0x3F_FFFF));
        }

        int startLevel() {
            int inputSize = 64 - t0sz;
            if (inputSize > 39) return 0;
            if (inputSize > 30) return 1;
            return 2;
        }

        // ---- the reference walker

        /** Result of a stage-2 lookup: null fault string and pa/attrs on success. */
        String s2Fault;
        long s2Pa;
        int s2MemAttr, s2Sh;
        boolean s2R, s2W, s2X;

        boolean s2Translate(long ipa, boolean forWalk) {
            s2Fault = null;
            if ((ipa >>> 40) != 0) { s2Fault = fault(FaultRecord.TRANSLATION, 0, true, forWalk, ipa); return false; }
            return s2Walk(ipa, 1, s2Root, forWalk);
        }

        private boolean s2Walk(long ipa, int level, long tablePa, boolean forWalk) {
            int lo = 12 + 9 * (3 - level);
            int hi = level == 1 ? 39 : lo + 8;
            long descPa = tablePa + 8 * bits(ipa, hi, lo);
            if (descPa >= RAM_SIZE) { s2Fault = fault(FaultRecord.EXTERNAL_WALK, level, true, forWalk, ipa); return false; }
            long d = pt.mem.ramPeek(descPa, 8);
            if (!bit(d, 0)) { s2Fault = fault(FaultRecord.TRANSLATION, level, true, forWalk, ipa); return false; }
            boolean tableOrPage = bit(d, 1);
            if (level < 3 && tableOrPage) {
                long next = bits(d, 47, 12) << 12;
                if ((next >>> OA_BITS) != 0) { s2Fault = fault(FaultRecord.ADDRESS_SIZE, level, true, forWalk, ipa); return false; }
                return s2Walk(ipa, level + 1, next, forWalk);
            }
            if (level == 3 && !tableOrPage) { s2Fault = fault(FaultRecord.TRANSLATION, 3, true, forWalk, ipa); return false; }
            long out = bits(d, 47, lo) << lo;
            if ((out >>> OA_BITS) != 0) { s2Fault = fault(FaultRecord.ADDRESS_SIZE, level, true, forWalk, ipa); return false; }
            if (!bit(d, 10)) { s2Fault = fault(FaultRecord.ACCESS_FLAG, level, true, forWalk, ipa); return false; }
            s2R = bit(d, 6);
            s2W = bit(d, 7);
            s2X = !bit(d, 54);
            if (forWalk && !s2R) { s2Fault = fault(FaultRecord.PERMISSION, level, true, true, ipa); return false; }
            s2Pa = out + bits(ipa, lo - 1, 0);
            s2MemAttr = (int) bits(d, 5, 2);
            s2Sh = (int) bits(d, 9, 8);
            s2Level = level;
            return true;
        }

        int s2Level;

        /**
         * Stage 1 off (SCTLR_EL1.M = 0, or HCR_EL2.DC = 1): IPA = VA, which must fit the 40-bit PA
         * size (else a stage-1 address size fault, level 0); stage-1 attributes Device-nGnRnE for data
         * and Normal NC/WT (SCTLR_EL1.I) for fetches, or Normal WB Non-shareable with DC; then stage 2.
         */
        String translateStage1Off(long ipa, int access, boolean dc) {
            if ((ipa >>> OA_BITS) != 0) return fault(FaultRecord.ADDRESS_SIZE, 0, false, false, 0);
            String s1Type, s1Sh;
            if (dc) {
                s1Type = "WB";
                s1Sh = "NSH";
            } else if (access == Mmu.FETCH) {
                s1Type = iBit ? "WT" : "NC";
                s1Sh = "OSH";
            } else {
                s1Type = "DEV";
                s1Sh = "OSH";
            }
            return stage2(ipa, access, s1Type, s1Sh);
        }

        String translate(long va, int access, int el) {
            int inputSize = 64 - t0sz;
            if ((va >>> inputSize) != 0) return fault(FaultRecord.TRANSLATION, 0, false, false, 0);
            return s1Walk(va, access, el, startLevel(), root, false, false, false, false);
        }

        private String s1Walk(long va, int access, int el, int level, long tableIpa,
                              boolean noEl0, boolean noWrite, boolean uxnT, boolean pxnT) {
            int lo = 12 + 9 * (3 - level);
            int hi = level == startLevel() ? 63 - t0sz : lo + 8;
            long descIpa = tableIpa + 8 * bits(va, hi, lo);
            long descPa = descIpa;
            if (s2On) {
                if (!s2Translate(descIpa, true)) return s2Fault;
                descPa = s2Pa;
            }
            if (descPa >= RAM_SIZE) return fault(FaultRecord.EXTERNAL_WALK, level, false, false, 0);
            long d = pt.mem.ramPeek(descPa, 8);
            if (!bit(d, 0)) return fault(FaultRecord.TRANSLATION, level, false, false, 0);
            if (level == 0 && !bit(d, 1)) return fault(FaultRecord.TRANSLATION, 0, false, false, 0);
            if (level == 3 && !bit(d, 1)) return fault(FaultRecord.TRANSLATION, 3, false, false, 0);
            if (level < 3 && bit(d, 1)) {
                long next = bits(d, 47, 12) << 12;
                if ((next >>> OA_BITS) != 0) return fault(FaultRecord.ADDRESS_SIZE, level, false, false, 0);
                return s1Walk(va, access, el, level + 1, next, noEl0 || bit(d, 61), noWrite || bit(d, 62),
                        uxnT || bit(d, 60), pxnT || bit(d, 59));
            }
            long out = bits(d, 47, lo) << lo;
            if ((out >>> OA_BITS) != 0) return fault(FaultRecord.ADDRESS_SIZE, level, false, false, 0);
            if (!bit(d, 10)) return fault(FaultRecord.ACCESS_FLAG, level, false, false, 0);

            // Stage-1 attributes: MAIR used by the tests: 0 Device, 1 NC, 2 WT, 3 WB, 4 Device.
            int attrIndx = (int) bits(d, 4, 2);
            String s1Type = switch (attrIndx) {
                case 1 -> "NC";
                case 2 -> "WT";
                case 3 -> "WB";
                default -> "DEV"; // 0, 4; 5..7 are 0x00 in MAIR
            };
            boolean el0Access = bit(d, 6) && !noEl0;
            boolean readOnly = bit(d, 7) || noWrite;
            boolean el0Writable = el0Access && !readOnly;
            boolean device = s1Type.equals("DEV");
            boolean allowed = switch (access) {
                case Mmu.LOAD -> el == 1 || el0Access;
                case Mmu.STORE, Mmu.CMO_IVAC -> !readOnly && (el == 1 || el0Access);
                case Mmu.FETCH -> el == 0
                        ? !bit(d, 54) && !uxnT && !(wxn && el0Writable) && !device
                        : !bit(d, 53) && !pxnT && !el0Writable && !(wxn && !readOnly) && !device;
                default -> el == 1 || el0Access; // CMO
            };
            if (!allowed) return fault(FaultRecord.PERMISSION, level, false, false, 0);
            long ipa = out + bits(va, lo - 1, 0);

            // SCTLR_EL1.C (data) / .I (fetch) = 0 make stage-1 Normal memory Non-cacheable.
            if (!device && !(access == Mmu.FETCH ? iBit : cBit)) s1Type = "NC";
            String s1Sh = switch ((int) bits(d, 9, 8)) {
                case 2 -> "OSH";
                case 3 -> "ISH";
                default -> "NSH";
            };
            if (s1Type.equals("DEV") || s1Type.equals("NC")) s1Sh = "OSH";
            if (!s2On) return ok(ipa, s1Type, s1Sh);
            return stage2(ipa, access, s1Type, s1Sh);
        }

        /** Stage 2 of an access to {@code ipa} whose stage-1 attributes are {@code s1Type}/{@code s1Sh}. */
        private String stage2(long ipa, int access, String s1Type, String s1Sh) {
            if (!s2Translate(ipa, false)) return s2Fault;
            boolean s2Allowed = switch (access) {
                case Mmu.STORE, Mmu.CMO_IVAC -> s2W;
                case Mmu.FETCH -> s2X;
                default -> s2R;
            };
            if (!s2Allowed) return fault(FaultRecord.PERMISSION, s2Level, true, false, ipa);
            String order = "DEV NC WT WB";
            String s2Type;
            if (!fwb) {
                s2Type = switch (s2MemAttr) {
                    case 0b0000 -> "DEV";
                    case 0b0101, 0b1101 -> "NC"; // Inner NC (0b1101: Outer WB, Inner NC)
                    case 0b1010 -> "WT";
                    default -> "WB";
                };
            } else {
                s2Type = switch (s2MemAttr) {
                    case 0b0000 -> "DEV";
                    case 0b0101 -> "NC";
                    case 0b0110 -> "FORCE_WB";
                    default -> "S1";
                };
            }
            String type;
            if (s2Type.equals("FORCE_WB")) type = "WB";
            else if (s2Type.equals("S1")) type = s1Type;
            else type = order.indexOf(s1Type) < order.indexOf(s2Type) ? s1Type : s2Type;
            String s2ShName = switch (s2Sh) {
                case 2 -> "OSH";
                case 3 -> "ISH";
                default -> "NSH";
            };
            String sh = s1Sh.equals("OSH") || s2ShName.equals("OSH") ? "OSH"
                    : s1Sh.equals("ISH") || s2ShName.equals("ISH") ? "ISH" : "NSH";
            if (type.equals("DEV") || type.equals("NC")) sh = "OSH";
            return ok(s2Pa, type, sh);
        }

        private static String ok(long pa, String type, String sh) {
            int t = switch (type) {
                case "DEV" -> 0;
                case "NC" -> 1;
                case "WT" -> 2;
                default -> 3;
            };
            int s = switch (sh) {
                case "NSH" -> 0;
                case "ISH" -> 1 << 2;
                default -> 2 << 2;
            };
            return "pa=" + Long.toHexString(pa) + " attrs=" + (t | s);
        }
    }
}
