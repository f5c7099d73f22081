package org.cachevisor.isa.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.cachevisor.isa.A64;
import org.cachevisor.isa.Encoding;
import org.cachevisor.isa.RandomEncodings;
import org.cachevisor.isa.SysRegs;
import org.junit.jupiter.api.Test;

/**
 * Differential test: random valid words of every row (base and alias), disassembled by us and by
 * {@code aarch64-linux-gnu-objdump -D -b binary -m aarch64}; the texts must be identical.
 */
class ObjdumpDifferentialTest {
    static final long SEED = Long.getLong("isa.seed", 0x5eed_a64L);
    static final int PER_ROW = Integer.getInteger("isa.perRow", 12);

    /**
     * Exclusion: objdump knows hundreds of system registers we do not catalogue (debug, PMU, AMU,
     * GIC, SVE/SME...). MRS/MSR words are therefore drawn from our catalogue or from the
     * IMPLEMENTATION DEFINED space (op0 = 3, CRn = 15), where both print the generic name.
     */
    static int restrict(Encoding e, int w, SplittableRandom rnd) {
        if (!e.id().equals("MRS_RS_systemmove") && !e.id().equals("MSR_SR_systemmove")) return w;
        int op0, op1, crn, crm, op2;
        if (rnd.nextBoolean()) {
            var all = SysRegs.all();
            var r = all.get(rnd.nextInt(all.size()));
            op0 = r.op0(); op1 = r.op1(); crn = r.crn(); crm = r.crm(); op2 = r.op2();
        } else {
            op0 = 3; op1 = rnd.nextInt(8); crn = 15; crm = rnd.nextInt(16); op2 = rnd.nextInt(8);
        }
        w = e.field("op0").insert(w, op0);
        w = e.field("op1").insert(w, op1);
        w = e.field("CRn").insert(w, crn);
        w = e.field("CRm").insert(w, crm);
        return e.field("op2").insert(w, op2);
    }

    /**
     * Exhaustive over the system-instruction spaces with few bits: op0 = 0 (hints, barriers,
     * PSTATE) and op0 = 1 (SYS/SYSL) for every op1, CRn, CRm, op2 (Rt = 31 and Rt = 5). Words we
     * decode as UNALLOCATED (e.g. CFINV, the nXS barriers, WFET) are skipped: they are UNDEFINED
     * for our CPU, objdump names them.
     */
    @Test
    void disassemble_wholeSystemSpace_matchesObjdump() throws Exception {
        GnuTools.require(GnuTools.OBJDUMP);
        List<Integer> words = new ArrayList<>();
        for (int l = 0; l <= 1; l++) {
            for (int op0 = 0; op0 <= 1; op0++) {
                for (int rest = 0; rest < (1 << 14); rest++) {
                    for (int rt : new int[] {31, 5}) {
                        int w = 0xd5000000 | (l << 21) | (op0 << 19) | (rest << 5) | rt;
                        if (A64.decode(w) != null) words.add(w);
                    }
                }
            }
        }
        compare(words.stream().mapToInt(Integer::intValue).toArray(), "system space");
    }

    @Test
    void disassemble_randomWordsOfEveryRow_matchObjdump() throws Exception {
        GnuTools.require(GnuTools.OBJDUMP);
        SplittableRandom rnd = new SplittableRandom(SEED);
        List<Integer> words = new ArrayList<>();
        List<Encoding> rows = new ArrayList<>(A64.encodings());
        rows.addAll(A64.aliases());
        for (Encoding e : rows) {
            for (int i = 0; i < PER_ROW; i++) words.add(restrict(e, RandomEncodings.word(e, rnd), rnd));
        }
        compare(words.stream().mapToInt(Integer::intValue).toArray(), "seed " + SEED);
    }

    private static void compare(int[] ws, String what) throws Exception {
        Path dir = Files.createTempDirectory("isa-diff");
        List<String> theirs = GnuTools.objdumpWords(ws, dir);
        assertThat(theirs).hasSize(ws.length);
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < ws.length; i++) {
            long pc = 4L * i;
            String ours = Disassembler.disassemble(ws[i], pc);
            if (!ours.equals(theirs.get(i))) {
                mismatches.add(String.format("%08x %-28s ours: %s%n%46s objdump: %s", ws[i], A64.preferred(ws[i]), ours, "", theirs.get(i)));
            }
        }
        if (!mismatches.isEmpty()) {
            System.out.println(mismatches.size() + " mismatches of " + ws.length + " (" + what + "):");
            mismatches.stream().limit(Integer.getInteger("isa.show", 60)).forEach(System.out::println);
        }
        assertThat(mismatches).as("disassembly mismatches vs objdump (%s)", what).isEmpty();
    }
}
