package org.cachevisor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** {@code cachevisor scenarios} and {@code cachevisor explore} through Main, as a user types them. */
class ScenariosCommandTest {
    private record Run(int status, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int status = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(status, out.toString(), err.toString());
    }

    @Test
    void scenarios_twoRowsTwoColumns_tableWithOutcomesCostsAndFirstViolations() {
        Run r = run("scenarios", "--scenario", "S1,S9", "--policy", "none,kvm-2014");
        assertThat(r.status()).isZero();
        // mission.md: S1 none STALE, S9 none LEAK, both PASS under the seed's policy
        assertThat(r.out()).containsPattern("S1\\s+STALE \\d+\\s+PASS \\d+");
        assertThat(r.out()).containsPattern("S9\\s+LEAK \\d+\\s+PASS \\d+");
        assertThat(r.out()).contains("S1 none: STALE fetch by").contains("S9 none: LEAK load by");
        assertThat(r.out()).contains("Every cell agrees with mission.md's expected table.");
    }

    @Test
    void scenarios_json_cellsWithOutcomeViolationsAndCosts() {
        Run r = run("scenarios", "--scenario", "S3", "--policy", "none,kvm-2017", "--format", "json");
        assertThat(r.status()).isZero();
        assertThat(r.out()).startsWith("{\"cells\": [");
        assertThat(r.out()).contains("{\"scenario\": \"S3\", \"policy\": \"none\", \"outcome\": \"STALE\", \"expected\": \"STALE\", \"violations\": 1,");
        assertThat(r.out()).contains("{\"scenario\": \"S3\", \"policy\": \"kvm-2017\", \"outcome\": \"PASS\", \"expected\": \"PASS\", \"violations\": 0,");
        assertThat(r.out()).containsPattern("\"costs\": \\{\"cycles\": [1-9]\\d*, \"traps\": \\d+");
        assertThat(r.out().trim()).endsWith("]}");
    }

    @Test
    void scenariosExplain_staleCell_outputEventsDetailedViolationAndCosts() {
        Run r = run("scenarios", "--explain", "S3", "none");
        assertThat(r.status()).isZero();
        assertThat(r.out()).startsWith("S3 under none (directed): STALE (expected STALE)");
        assertThat(r.out()).contains("S3: buffer with caches off read").contains("MISMATCH");
        assertThat(r.out()).contains("checkpoint 1: every line of the page");
        assertThat(r.out()).contains("Violations: 1 (0 leaks)").contains("#1");
        assertThat(r.out()).contains("Costs: ").contains("stage2Faults");
    }

    @Test
    void scenarios_unknownPolicy_usageErrorNamingTheValidOnes() {
        Run r = run("scenarios", "--policy", "kvm-2016");
        assertThat(r.status()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err()).contains("unknown policy 'kvm-2016'").contains("kvm-2014");
    }

    @Test
    void explore_s3NoneWithoutDirectedEvents_someSeedsFailWithAReplayCommand() {
        Run one = run("explore", "--scenario", "S3", "--policy", "none,kvm-2014", "--seeds", "40", "--no-directed");
        Run two = run("explore", "--scenario", "S3", "--policy", "none,kvm-2014", "--seeds", "40", "--no-directed", "--jobs", "2");
        assertThat(one.status()).isZero();
        // the dirty zero line of the host's clearing, evicted by the adversary over the guest's write
        assertThat(one.out()).containsPattern("S3\\s+none\\s+STALE\\s+[1-9]\\d*/40 STALE\\s+\\d+: cachevisor scenarios --explain S3 none --seed \\d+ --no-directed");
        assertThat(one.out()).containsPattern("S3\\s+kvm-2014\\s+PASS\\s+0/40\\s+-");
        assertThat(one.err()).contains("explore: 80/80 runs");
        assertThat(two.out()).isEqualTo(one.out());
    }
}
