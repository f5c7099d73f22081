package org.cachevisor.scenarios.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.cachevisor.scenarios.Scenario;
import org.cachevisor.scenarios.Scenarios;
import org.junit.jupiter.api.Test;

/**
 * The acceptance test of the scenario matrix in directed mode: every guest is correct bare-metal code
 * (bare mode: no stale read, the catalogue's output), and the 77 cells (S1-S11 x seven policies) against
 * mission.md's expected table, transcribed independently below (not read from {@link ExpectedOutcomes}).
 *
 * <p>All 77 cells agree with the table. A cell that disagreed and was analysed (docs/scenarios.md,
 * "Disagreements") would be listed in {@link #DISAGREEING} with the outcome the simulation measures and
 * asserted as such, so that a change of either the model or the analysis shows up here.
 */
class ScenarioMatrixTest {
    private static final List<String> POLICIES = List.of("none", "dc-bit", "at-par", "kvm-2014", "kvm-2015", "kvm-2017", "fwb");

    /** mission.md's table, row by row (P = PASS, S = STALE, L = LEAK), in POLICIES' order. */
    private static final String[] TABLE = {
        "S1 SPPPPPP", "S2 SPSPPPP", "S3 SPPPPPP", "S4 PSPPPPS", "S5 PSPPPPP", "S6 SPSSSPP",
        "S7 SPSSPPP", "S8 SSSSPPP", "S9 LPPPPPP", "S10 SSSSSSP", "S11 SPSSPPP",
    };

    /** Cells where the simulation differs from the table, with the measured outcome (docs/scenarios.md). */
    private static final Set<String> DISAGREEING = Set.of();

    private static Outcome expected(String scenario, String policy) {
        for (String row : TABLE) {
            String[] parts = row.split(" ");
            if (parts[0].equals(scenario)) {
                return switch (parts[1].charAt(POLICIES.indexOf(policy))) {
                    case 'P' -> Outcome.PASS;
                    case 'S' -> Outcome.STALE;
                    default -> Outcome.LEAK;
                };
            }
        }
        throw new AssertionError("no row " + scenario);
    }

    @Test
    void everyScenario_bare_noStaleReadAndTheCatalogueOutput() {
        for (Scenario s : Scenarios.all()) {
            CellReport r = ScenarioEngine.run(s.id(), ScenarioEngine.BARE);
            assertThat(r.violations()).as("%s bare: %s", s.id(), r.first()).isZero();
            assertThat(r.outputAsExpected()).as("%s bare output:%n%s", s.id(), r.guestOutput()).isTrue();
            assertThat(r.stop()).as(s.id()).allMatch(line -> line.contains("powered off"));
        }
    }

    @Test
    void matrix_directed_77CellsAsMissionTableExceptTheAnalysedDisagreements() {
        List<String> wrong = new ArrayList<>();
        int cells = 0;
        for (Scenario s : Scenarios.all()) {
            for (String p : POLICIES) {
                CellReport r = ScenarioEngine.run(s.id(), p);
                cells++;
                Outcome want = expected(s.id(), p);
                String key = s.id() + "/" + p;
                for (String d : DISAGREEING) if (d.startsWith(key + "=")) want = Outcome.parse(d.substring(key.length() + 1));
                if (r.outcome() != want) wrong.add(key + ": measured " + r.outcome() + ", wanted " + want + " (" + r.first() + ")");
                // a PASS cell means the guest printed exactly what it prints on a correct platform
                if (r.outcome() == Outcome.PASS) {
                    if (!r.outputAsExpected()) wrong.add(key + ": PASS but the guest's output differs:\n" + r.guestOutput());
                }
            }
        }
        assertThat(cells).isEqualTo(77);
        assertThat(wrong).isEmpty();
    }

    @Test
    void expectedOutcomes_transcription_matchesThisTestsOwnCopyOfMissionTable() {
        for (Scenario s : Scenarios.all()) {
            for (String p : POLICIES) assertThat(ExpectedOutcomes.of(s.id(), p)).as(s.id() + "/" + p).isEqualTo(expected(s.id(), p));
        }
    }

    @Test
    void run_directedTwice_sameOutcomeCountsAndCosts() {
        CellReport a = ScenarioEngine.run("S11", "kvm-2014");
        CellReport b = ScenarioEngine.run("S11", "kvm-2014");
        assertThat(b.violations()).isEqualTo(a.violations());
        assertThat(b.costs()).isEqualTo(a.costs());
        assertThat(b.hostEvents()).isEqualTo(a.hostEvents());
    }

    @Test
    void run_badInput_rejectedWithAMessage() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ScenarioEngine.run("S12", "none"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("S12");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ScenarioEngine.run("S1", "kvm-2016"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kvm-2016");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ScenarioEngine.run("S1", "none", 0, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("seed");
    }
}
