package org.cachevisor.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cachevisor.isa.text.Assembler;
import org.junit.jupiter.api.Test;

/**
 * common.s's {@code dcache_all} walks exactly the set/way operands the ARM ARM defines for the cache
 * geometry the PE reports. QEMU executes DC ISW/CSW/CISW as no-ops, so the test patches each of the
 * three instructions into counting code (count, XOR and sum of the operands; one counter per kind),
 * runs the three operations under QEMU, prints CLIDR_EL1 and every level's CCSIDR_EL1, and compares
 * with a reference written here from the ARM ARM ("DC ISW": SetWay = Way << (32 - A) | Set << L |
 * Level << 1, A = Log2(associativity) rounded up, L = Log2(line bytes); every data or unified level
 * below CLIDR_EL1.LoC).
 */
class DcacheAllQemuTest {

    private static final String MAIN = """
                .text
            scenario_name: .asciz "SW"
                .balign 4
            main:
                mov     x20, #0
                mov     x21, #0
                mov     x22, #0
                mov     x23, #0
                mov     x24, #0
                mov     x0, #0
                bl      dcache_all
                mov     x0, #1
                bl      dcache_all
                mov     x0, #2
                bl      dcache_all
                adr     x0, l_clidr
                mrs     x1, clidr_el1
                bl      show
                mov     x25, #0
            1:  lsl     x1, x25, #1
                msr     csselr_el1, x1
                isb
                adr     x0, l_ccsidr
                mrs     x1, ccsidr_el1
                bl      show
                add     x25, x25, #1
                cmp     x25, #7
                b.lo    1b
                adr     x0, l_isw
                mov     x1, x20
                bl      show
                adr     x0, l_xor
                mov     x1, x21
                bl      show
                adr     x0, l_sum
                mov     x1, x22
                bl      show
                adr     x0, l_csw
                mov     x1, x23
                bl      show
                adr     x0, l_cisw
                mov     x1, x24
                bl      show
                b       done
            // show: prints "<x0> <x1 in hex>\\n".
            show:
                mov     x19, x30
                mov     x18, x1
                bl      puts
                mov     x0, x18
                bl      puthex
                adr     x0, str_newline
                bl      puts
                mov     x30, x19
                ret
            l_clidr:  .asciz "CLIDR "
            l_ccsidr: .asciz "CCSIDR "
            l_isw:    .asciz "ISW "
            l_xor:    .asciz "XOR "
            l_sum:    .asciz "SUM "
            l_csw:    .asciz "CSW "
            l_cisw:   .asciz "CISW "
            """;

    @Test
    void dcacheAll_underQemu_setWayOperandsAreTheArmArmOnesForTheReportedGeometry() throws Exception {
        ExternalTools.require("qemu-system-aarch64", "qemu-system-arm");
        String common = GuestPrograms.resource(GuestPrograms.COMMON);
        String patched = common
                .replace("    dc      isw, x7\n", "    add     x20, x20, #1\n    eor     x21, x21, x7\n    add     x22, x22, x7\n")
                .replace("4:  dc      csw, x7\n", "4:  add     x23, x23, #1\n")
                .replace("5:  dc      cisw, x7\n", "5:  add     x24, x24, #1\n");
        assertThat(patched).as("the three DC instructions were found and patched").doesNotContain("dc      isw").doesNotContain("dc      csw")
                .doesNotContain("dc      cisw");
        byte[] image = Assembler.assemble(patched + "\n" + MAIN, "common.s+setway-test", GuestPrograms.IMAGE_IPA).image();

        Path dir = Files.createTempDirectory("scenarios-setway");
        try {
            Files.write(dir.resolve("sw.bin"), image);
            ExternalTools.Result r = ExternalTools.run(List.of("qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a57", "-m", "256M",
                    "-nographic", "-nodefaults", "-serial", "stdio", "-monitor", "none", "-kernel", "sw.bin"), dir, 60);
            assertThat(r.timedOut()).as("output:%n%s", r.out()).isFalse();
            Map<String, Long> values = new HashMap<>();
            List<Long> ccsidr = new ArrayList<>();
            for (String line : r.out().replace("\r", "").split("\n")) {
                String[] f = line.split(" ");
                if (f.length != 2 || !f[1].startsWith("0x")) continue;
                long v = Long.parseUnsignedLong(f[1].substring(2), 16);
                if (f[0].equals("CCSIDR")) ccsidr.add(v);
                else values.put(f[0], v);
            }
            assertThat(r.out()).contains("SW: done");
            assertThat(ccsidr).hasSize(7);

            // The reference.
            long clidr = values.get("CLIDR");
            int loc = (int) ((clidr >>> 24) & 7);   // LoC
            long count = 0, xor = 0, sum = 0;
            for (int level = 0; level < loc; level++) {
                long ctype = (clidr >>> (3 * level)) & 7;
                if (ctype < 2) continue;   // 0 no cache, 1 instruction only
                long id = ccsidr.get(level);
                int lineShift = (int) (id & 7) + 4;
                int ways = (int) ((id >>> 3) & 0x3ff) + 1;
                int sets = (int) ((id >>> 13) & 0x7fff) + 1;
                int a = 0;
                while ((1 << a) < ways) a++;
                for (long set = 0; set < sets; set++) {
                    for (long way = 0; way < ways; way++) {
                        long operand = (a == 0 ? 0 : way << (32 - a)) | set << lineShift | (long) level << 1;
                        count++;
                        xor ^= operand;
                        sum += operand;
                    }
                }
            }
            assertThat(count).as("CLIDR 0x%x: a data cache level exists below LoC", clidr).isPositive();
            assertThat(values.get("ISW")).as("DC ISW count").isEqualTo(count);
            assertThat(values.get("XOR")).as("XOR of the DC ISW operands").isEqualTo(xor);
            assertThat(values.get("SUM")).as("sum of the DC ISW operands").isEqualTo(sum);
            assertThat(values.get("CSW")).as("DC CSW count (operation 1)").isEqualTo(count);
            assertThat(values.get("CISW")).as("DC CISW count (operation 2)").isEqualTo(count);
        } finally {
            ExternalTools.deleteTree(dir);
        }
    }
}
