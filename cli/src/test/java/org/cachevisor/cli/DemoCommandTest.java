package org.cachevisor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** Runs {@code cachevisor demo} through the root command and checks the story it prints. */
class DemoCommandTest {

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new String[] {Integer.toString(status), out.toString(), err.toString()};
    }

    @Test
    void demo_default_showsStaleReadThenNoViolationAfterCivac() {
        String[] r = run("demo");
        assertThat(r[0]).isEqualTo("0");
        assertThat(r[2]).isEmpty();
        String out = r[1];
        int act2 = out.indexOf("Act 2");
        assertThat(act2).isPositive();
        String act1Text = out.substring(0, act2);
        String act2Text = out.substring(act2);

        // Act 1: RAM still holds zeros, the oracle names the VMM's uncleaned cacheable write
        assertThat(act1Text).contains("VMM on PE1 writes 0xcafef00d to pa 0x40001000 (Normal-WB ISH)")
                .contains("reads pa 0x40001000: 0x0  STALE: the VMM wrote 0xcafef00d")
                .contains("oracle: STALE load by VM1.vCPU0 pa=0x40001000 (8 bytes, Device OSH)")
                .contains("not cleaned to PoC before a non-cacheable read (its line is still dirty in PE1.L1D)")
                .contains("mechanism NOT_CLEANED_TO_POC");
        // Act 2: the guest sees the data and the oracle is silent
        assertThat(act2Text).contains("DC CIVAC pa 0x40001000")
                .contains("reads pa 0x40001000: 0xcafef00d  (the value the VMM wrote)")
                .contains("oracle: no violation (1 read checked")
                .doesNotContain("STALE");
    }

    @Test
    void demo_withSeed_runsWithAdversaryAndExitsZero() {
        String[] r = run("demo", "--seed", "42");
        assertThat(r[0]).isEqualTo("0");
        assertThat(r[1]).contains("adversary on, seed 42").contains("Act 2");
        // with DC CIVAC the discipline holds whatever the adversary does
        assertThat(r[1].substring(r[1].indexOf("Act 2"))).contains("oracle: no violation");
    }

    @Test
    void demo_badSeed_usageErrorExit2() {
        String[] r = run("demo", "--seed", "abc");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2]).startsWith("cachevisor: error: ");
    }
}
