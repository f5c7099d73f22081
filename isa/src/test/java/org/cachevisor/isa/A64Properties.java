package org.cachevisor.isa;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.cachevisor.isa.EncodingArbitraries.RowWord;
import org.cachevisor.isa.text.Assembler;
import org.cachevisor.isa.text.Disassembler;

/** Round-trip properties over every row of the table. */
class A64Properties {

    @Provide Arbitrary<RowWord> baseRowWords() { return EncodingArbitraries.baseRowWords(); }
    @Provide Arbitrary<RowWord> anyRowWords() { return EncodingArbitraries.anyRowWords(); }

    @Property(tries = 3000)
    void encodeDecode_fieldsOfAnyRow_roundTripToTheSameRowAndFields(@ForAll("baseRowWords") RowWord rw) {
        Map<String, Integer> fields = Encoder.fields(rw.row(), rw.word());
        int w = Encoder.encode(rw.row(), fields);
        assertThat(w).isEqualTo(rw.word());
        Encoding back = A64.decode(w);
        assertThat(back).isSameAs(rw.row());
        assertThat(Encoder.fields(back, w)).isEqualTo(fields);
    }

    @Property(tries = 3000)
    void decode_anyWord_isOneNonOverriddenBaseRowOrUnallocated(@ForAll int word) {
        Encoding got = A64.decode(word);
        Encoding ref = null;
        for (Encoding e : A64.encodings()) {
            if (!e.matchesPattern(word)) continue;
            boolean overridden = false;
            for (Encoding o : A64.encodings()) overridden |= o != e && o.matchesPattern(word) && o.overrides().contains(e.id());
            if (overridden) continue;
            assertThat(ref).as("two rows match 0x%08x: %s and %s", word, ref, e).isNull();
            ref = e;
        }
        if (ref != null && ref.guard() != null && ref.guard().test(word)) ref = null;
        assertThat(got).isEqualTo(ref);
        assertThat(Disassembler.disassemble(word, 0x1000)).isNotEmpty();   // never throws
    }

    /**
     * Disassembly re-assembles to the same word. Exclusions (the text does not determine the
     * word, so GNU as and we pick the canonical encoding): bitmask immediates whose rotation or
     * size bits are redundant (e.g. immr &gt;= element size), and AT/DC/IC/TLBI aliases of
     * operations without Xt whose Rt is not 31 (objdump omits Rt). For these the re-assembled
     * word must still print the same text. Should-be-one fields the text does not show are
     * compared as ones.
     */
    @Property(tries = 4000)
    void assemble_disassemblyOfAnyRow_givesBackTheWord(@ForAll("anyRowWords") RowWord rw) {
        long pc = 0x10000L;
        String text = Disassembler.disassemble(rw.word(), pc);
        byte[] b = Assembler.assemble(text, "roundtrip.s", pc).image();
        int w = (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
        if (redundant(rw.word())) {
            assertThat(Disassembler.disassemble(w, pc)).as("%s", rw).isEqualTo(text);
        } else {
            int ignored = unprintedShouldBeOneBits(rw.row());
            assertThat(Integer.toHexString(w & ~ignored)).as("%s: %s", rw, text).isEqualTo(Integer.toHexString(rw.word() & ~ignored));
            assertThat(w & ignored).as("GNU writes ones in should-be-one fields").isEqualTo(ignored);
        }
    }

    /** The should-be-one fields of a row (e.g. LDXR's Rs and Rt2): text does not show them, GNU as writes ones. */
    static int unprintedShouldBeOneBits(Encoding row) {
        int mask = 0;
        for (Field f : row.fields().values()) {
            if (f.shouldBe() >= 0) mask |= f.mask() << f.lsb();
        }
        return mask;
    }

    static boolean redundant(int word) {
        Encoding e = A64.decode(word);
        if (e.execClass() == ExecClass.LOGICAL_IMM) {
            int n = e.field("N").extract(word), imms = e.field("imms").extract(word), immr = e.field("immr").extract(word);
            int datasize = e.field("sf").extract(word) == 1 ? 64 : 32;
            return Bits.encodeBitMask(Bits.decodeBitMasks(n, imms, immr, datasize), datasize) != ((n << 12) | (immr << 6) | imms);
        }
        if (e.execClass() == ExecClass.SYS) {
            SysOps.Op op = SysOps.lookup(e.field("op1").extract(word), e.field("CRn").extract(word), e.field("CRm").extract(word), e.field("op2").extract(word));
            return op != null && !op.hasXt() && e.field("Rt").extract(word) != 31;
        }
        return false;
    }
}
