package org.cachevisor.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.cachevisor.isa.A64;
import org.cachevisor.isa.Encoding;
import org.junit.jupiter.api.Test;

/** Every row of the isa table has a handler: no encoding is silently unimplemented. */
class DecoderTest {
    @Test
    void everyTableRow_decodesToAHandler() {
        long seed = 0x5EEDL;
        SplittableRandom rnd = new SplittableRandom(seed);
        List<String> missing = new ArrayList<>();
        for (Encoding e : A64.encodings()) {
            boolean handled = false, matched = false;
            for (int i = 0; i < 4000 && !handled; i++) {
                int word = e.value() | (rnd.nextInt() & ~e.mask());
                if (A64.decode(word) != e) continue;
                matched = true;
                Decoded di = Decoder.decode(word);
                handled = di.op != Op.UNDEFINED;
            }
            // (HLT and SYSL have handlers that raise UNDEFINED on purpose: halting debug is off and
            // there are no IMPLEMENTATION DEFINED SYSL operations.)
            if (!matched) missing.add(e.id() + " (no matching word found, seed " + seed + ")");
            else if (!handled) missing.add(e.id() + " (no handler)");
        }
        assertThat(missing).as("rows without a handler").isEmpty();
    }

    @Test
    void unallocatedWord_decodesToUndefined() {
        assertThat(Decoder.decode(0x0000_0000).op).isEqualTo(Op.UNDEFINED); // UDF #0
        assertThat(Decoder.decode(0x1E20_1000).op).isEqualTo(Op.UNDEFINED); // fmov s0, #2.0 (FP: not implemented)
        assertThat(Decoder.decode(0xF820_0020).op).isEqualTo(Op.UNDEFINED); // ldadd x0, x0, [x1] (LSE: not implemented)
    }

    @Test
    void addImmediate_decodeStep_computesAslValues() {
        Decoded di = Decoder.decode(0x9100_0421); // add x1, x1, #1
        assertThat(di.op).isEqualTo(Op.ADD_X_IMM);
        assertThat(di.d).isEqualTo(1);
        assertThat(di.n).isEqualTo(1);
        assertThat(di.imm).isEqualTo(1L);
        Decoded mov = Decoder.decode(0x9100_03E0); // mov x0, sp
        assertThat(mov.n).isEqualTo(Pe.SP);
        Decoded cmp = Decoder.decode(0xF100_045F); // cmp x2, #1 (subs xzr, x2, #1)
        assertThat(cmp.op).isEqualTo(Op.SUBS_X_IMM);
        assertThat(cmp.d).isEqualTo(Pe.SINK);
    }
}
