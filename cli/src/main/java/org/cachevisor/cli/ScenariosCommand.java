package org.cachevisor.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.cachevisor.hypervisor.Policies;
import org.cachevisor.scenarios.Scenario;
import org.cachevisor.scenarios.Scenarios;
import org.cachevisor.scenarios.engine.CellReport;
import org.cachevisor.scenarios.engine.Matrix;
import org.cachevisor.scenarios.engine.Reports;
import org.cachevisor.scenarios.engine.ScenarioEngine;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cachevisor scenarios}: the main job. Runs mission.md's scenarios S1-S11 under the cache-maintenance
 * policies in directed mode (deterministic host actions, no random adversary) and prints the matrix: rows
 * the scenarios, columns the policies, each cell PASS / STALE / LEAK with the hypervisor's cycle estimate,
 * '!' where it differs from mission.md's expected table; under it the first violation of each STALE/LEAK
 * cell in one line. {@code --format json} prints the cells with every cost counter.
 * {@code --explain S P} prints the full report of one cell (guest output, host events, every violation with
 * its attribution, costs); with {@code --seed N [--no-directed]} it replays one run of {@code explore}.
 *
 * <p>Exit status 0 (the outcomes are the report, not an error); 2 for bad input.
 */
@Command(name = "scenarios", mixinStandardHelpOptions = true,
        description = "Run the scenario matrix (S1-S11 x policies) with the coherence oracle and print it.")
public final class ScenariosCommand implements Callable<Integer> {
    @Option(names = "--policy", paramLabel = "P", split = ",",
            description = "Policies (columns), repeatable or comma-separated: none, dc-bit, at-par, kvm-2014, kvm-2015, kvm-2017, fwb, or bare. Default: the seven policies.")
    List<String> policies;

    @Option(names = "--scenario", paramLabel = "S", split = ",", description = "Scenarios (rows), e.g. S2. Default: S1-S11.")
    List<String> scenarios;

    @Option(names = "--format", paramLabel = "FMT", description = "text or json. Default: ${DEFAULT-VALUE}.")
    String format = "text";

    @Option(names = "--explain", arity = "2", paramLabel = "S P", description = "Full report of one cell: scenario and policy.")
    List<String> explain;

    @Option(names = "--seed", paramLabel = "N", description = "With --explain: replay explore's run with adversary seed N (> 0).")
    Long seed;

    @Option(names = "--no-directed", description = "With --explain --seed: without the scripted cache events (as explore --no-directed).")
    boolean noDirected;

    @Option(names = "--jobs", paramLabel = "J", description = "Cells run in parallel on J threads (the results do not depend on it). Default: the number of processors, at most 4.")
    int jobs = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (!format.equals("text") && !format.equals("json")) throw new Main.UserError("scenarios: --format must be text or json, got " + format);
        if (jobs < 1) throw new Main.UserError("scenarios: --jobs must be >= 1, got " + jobs);
        if (explain != null) {
            String s = checkScenario(explain.get(0));
            String p = checkPolicy(explain.get(1));
            if (seed != null && seed <= 0) throw new Main.UserError("scenarios: --seed must be > 0, got " + seed);
            if (noDirected && seed == null) throw new Main.UserError("scenarios: --no-directed needs --seed (a run without host actions needs the adversary)");
            CellReport r = ScenarioEngine.run(s, p, seed == null ? 0 : seed, !noDirected);
            out.print(format.equals("json") ? Reports.json(List.of(r)) : Reports.explain(r));
            out.flush();
            return 0;
        }
        if (seed != null || noDirected) throw new Main.UserError("scenarios: --seed and --no-directed go with --explain (explore runs many seeds)");
        List<Matrix.CellSpec> specs = new ArrayList<>();
        for (String s : scenarioList(scenarios)) for (String p : policyList(policies)) specs.add(new Matrix.CellSpec(s, p, 0, true));
        List<CellReport> cells = Matrix.run(specs, jobs, null);
        out.print(format.equals("json") ? Reports.json(cells) : Reports.matrix(cells));
        out.flush();
        return 0;
    }

    /** The scenarios asked for (all by default), each checked; the order of the catalogue. */
    static List<String> scenarioList(List<String> given) {
        List<String> out = new ArrayList<>();
        if (given == null || given.isEmpty()) {
            for (Scenario s : Scenarios.all()) out.add(s.id());
            return out;
        }
        for (String s : given) out.add(checkScenario(s));
        return out;
    }

    /** The policies asked for (the seven by default), each checked. */
    static List<String> policyList(List<String> given) {
        if (given == null || given.isEmpty()) return Policies.names();
        List<String> out = new ArrayList<>();
        for (String p : given) out.add(checkPolicy(p));
        return out;
    }

    static String checkScenario(String s) {
        String id = s.toUpperCase(java.util.Locale.ROOT);
        try {
            return Scenarios.byId(id).id();
        } catch (IllegalArgumentException e) {
            throw new Main.UserError("unknown scenario '" + s + "' (S1 ... S11)");
        }
    }

    static String checkPolicy(String p) {
        if (!ScenarioEngine.policyNames().contains(p)) {
            throw new Main.UserError("unknown policy '" + p + "' (valid: " + String.join(", ", ScenarioEngine.policyNames()) + ")");
        }
        return p;
    }
}
