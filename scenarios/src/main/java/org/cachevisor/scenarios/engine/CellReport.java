package org.cachevisor.scenarios.engine;

import java.util.List;
import org.cachevisor.oracle.Violation;

/**
 * Everything one run of one scenario under one policy (a cell of the matrix) produced.
 *
 * @param scenario        "S1" ... "S11"
 * @param policy          a policy name of mission.md, or {@link ScenarioEngine#BARE}
 * @param seed            the adversary's seed, 0 when the adversary was off (directed mode)
 * @param directed        whether the scripted host actions were performed
 * @param outcome         PASS, STALE or LEAK from the oracle's verdicts
 * @param violations      how many stale reads the oracle counted (leaks included)
 * @param leaks           how many of them were leaks
 * @param recorded        the violations recorded (the first ones, at most {@link ScenarioEngine#MAX_RECORDED})
 * @param guestOutput     what the guests printed on their PL011, in order (S9: A then B)
 * @param outputAsExpected whether that output is exactly the catalogue's expected output
 * @param hostEvents      the host actions performed, one line each, in order
 * @param stop            why each guest's run ended, one line each
 * @param costs           the hypervisor's costs during the guest run
 * @param instructions    instructions retired by the PEs
 */
public record CellReport(String scenario, String policy, long seed, boolean directed, Outcome outcome,
                         long violations, long leaks, List<Violation> recorded, String guestOutput,
                         boolean outputAsExpected, List<String> hostEvents, List<String> stop, CostSummary costs,
                         long instructions) {
    public CellReport {
        recorded = List.copyOf(recorded);
        hostEvents = List.copyOf(hostEvents);
        stop = List.copyOf(stop);
    }

    /** The first violation, or null. */
    public Violation first() {
        return recorded.isEmpty() ? null : recorded.get(0);
    }
}
