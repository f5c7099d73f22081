package org.cachevisor.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.cachevisor.scenarios.engine.CellReport;
import org.cachevisor.scenarios.engine.ExpectedOutcomes;
import org.cachevisor.scenarios.engine.Matrix;
import org.cachevisor.scenarios.engine.Outcome;
import org.cachevisor.scenarios.engine.ScenarioEngine;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cachevisor explore}: each cell (scenario x policy) run with the seeded random adversary (speculative
 * fills of host RAM into any PE's L1D or the L2, evictions and write-backs of any line) for seeds 1..N,
 * with the scripted host actions kept or ({@code --no-directed}) without the scripted cache events. Prints per cell the number of
 * seeds with a violation and the smallest failing seed with the command that replays it. A progress line
 * goes to stderr. {@code --jobs} runs cell-seeds on several threads; every run builds its own machine, so
 * the results do not depend on it.
 */
@Command(name = "explore", mixinStandardHelpOptions = true,
        description = "Run scenarios under the seeded random adversary for seeds 1..N and count the seeds with a violation.")
public final class ExploreCommand implements Callable<Integer> {
    @Option(names = "--policy", paramLabel = "P", split = ",", description = "Policies (default: the seven policies); bare is allowed.")
    List<String> policies;

    @Option(names = "--scenario", paramLabel = "S", split = ",", description = "Scenarios (default: S1-S11).")
    List<String> scenarios;

    @Option(names = "--seeds", paramLabel = "N", required = true, description = "Run seeds 1..N for every cell.")
    int seeds;

    @Option(names = "--jobs", paramLabel = "J", description = "Parallel threads. Default: ${DEFAULT-VALUE}.")
    int jobs = 1;

    @Option(names = "--no-directed", description = "Drop the scripted cache events (S2/S11 speculative fills, S3 eviction); the adversary stands in for them. Host operations (swap, migration, VMM writes) stay.")
    boolean noDirected;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (seeds < 1) throw new Main.UserError("explore: --seeds must be >= 1, got " + seeds);
        if (jobs < 1) throw new Main.UserError("explore: --jobs must be >= 1, got " + jobs);
        List<String> ss = ScenariosCommand.scenarioList(scenarios);
        List<String> ps = ScenariosCommand.policyList(policies);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Matrix.CellSpec> specs = new ArrayList<>();
        for (String s : ss) for (String p : ps) for (long seed = 1; seed <= seeds; seed++) specs.add(new Matrix.CellSpec(s, p, seed, !noDirected));
        int total = specs.size();
        long[] lastShown = {-1};
        List<Outcome> outcomes = Matrix.run(specs, jobs, done -> {
            synchronized (lastShown) {
                if (done == total || done - lastShown[0] >= Math.max(1, total / 100)) {
                    lastShown[0] = done;
                    err.printf("\rexplore: %d/%d runs", done, total);
                    if (done == total) err.println();
                    err.flush();
                }
            }
        }, CellReport::outcome);
        out.printf("explore: seeds 1..%d per cell, %s%n", seeds, noDirected ? "without the directed cache events (S2/S11 fills, S3 eviction: the adversary stands in for them)" : "directed host actions kept");
        out.printf("%-4s %-9s %-6s %-18s %s%n", "", "policy", "table", "failing seeds", "smallest failing seed (replay)");
        int i = 0;
        for (String s : ss) {
            for (String p : ps) {
                long failing = 0, smallest = -1;
                Outcome worst = Outcome.PASS;
                for (int k = 0; k < seeds; k++, i++) {
                    Outcome o = outcomes.get(i);
                    if (o != Outcome.PASS) {
                        failing++;
                        if (smallest < 0) smallest = k + 1;
                        if (o == Outcome.LEAK) worst = Outcome.LEAK;
                        else if (worst == Outcome.PASS) worst = Outcome.STALE;
                    }
                }
                String expected = ExpectedOutcomes.of(s, p).name();
                out.printf("%-4s %-9s %-6s %-18s %s%n", s, p, expected, failing + "/" + seeds + (failing > 0 ? " " + worst : ""),
                        smallest < 0 ? "-" : String.format("%d: cachevisor scenarios --explain %s %s --seed %d%s", smallest, s, p, smallest,
                                noDirected ? " --no-directed" : ""));
            }
        }
        out.flush();
        return 0;
    }
}
