package org.cachevisor.isa.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.cachevisor.isa.A64;
import org.cachevisor.isa.Coverage;
import org.junit.jupiter.api.Test;

/** The corpus exercises every base row and every alias of the table. */
class CorpusCoverageTest {
    @Test
    void coverage_ofTheCorpus_hitsEveryRowAndAlias() throws Exception {
        Coverage cov = new Coverage();
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of("src/test/resources/corpus"))) {
            files = s.filter(p -> p.toString().endsWith(".s")).sorted().toList();
        }
        for (Path f : files) {
            Program p = Assembler.assemble(Files.readString(f), f.getFileName().toString(), 0x400000);
            for (Program.Section s : p.sections()) cov.recordAll(s.bytes(), s.instructionOffsets());
        }
        System.out.print(cov.report());
        assertThat(cov.missed()).as(cov.report()).isEmpty();
        assertThat(cov.hits(A64.byId("ADD_64_addsub_imm"))).isPositive();
    }

    @Test
    void coverage_ofOneWord_countsItsBaseRowAndPreferredAlias() {
        Coverage cov = new Coverage();
        cov.record(0xf1000c1f);   // cmp x0, #3 = SUBS (immediate) with Rd = 31
        assertThat(cov.hits(A64.byId("SUBS_64S_addsub_imm"))).isEqualTo(1);
        assertThat(cov.hits(A64.byId("CMP_SUBS_64S_addsub_imm"))).isEqualTo(1);
        assertThat(cov.hits(A64.byId("ADD_64_addsub_imm"))).isZero();
        assertThat(cov.report()).contains("ADD_SUB_IMM").contains("TOTAL");
    }
}
