package org.cachevisor.scenarios.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cachevisor.oracle.Violation;

/**
 * The matrix and a cell's report for people (text) and programs (JSON, written by hand: no dependency).
 *
 * <p>Text matrix: one row per scenario, one column per policy; a cell is {@code PASS}, {@code STALE} or
 * {@code LEAK}, followed by {@code !} when it differs from mission.md's expected table
 * ({@link ExpectedOutcomes}), and by its cycle estimate. Under the table: for each STALE or LEAK cell,
 * the oracle's first violation in one line; then the cells that differ from the expected table.
 */
public final class Reports {
    private Reports() {}

    /** Whether the cell differs from mission.md's table. */
    public static boolean differs(CellReport r) {
        return ExpectedOutcomes.of(r.scenario(), r.policy()) != r.outcome();
    }

    /** The text matrix of {@code cells} (any subset of scenarios x policies, in run order). */
    public static String matrix(List<CellReport> cells) {
        List<String> scenarios = new ArrayList<>();
        List<String> policies = new ArrayList<>();
        Map<String, CellReport> byKey = new LinkedHashMap<>();
        for (CellReport r : cells) {
            if (!scenarios.contains(r.scenario())) scenarios.add(r.scenario());
            if (!policies.contains(r.policy())) policies.add(r.policy());
            byKey.put(r.scenario() + "/" + r.policy(), r);
        }
        int width = 6;
        for (CellReport r : cells) width = Math.max(width, cell(r).length());
        for (String p : policies) width = Math.max(width, p.length());
        StringBuilder b = new StringBuilder();
        b.append(String.format("%-4s", ""));
        for (String p : policies) b.append("  ").append(pad(p, width));
        b.append('\n');
        for (String s : scenarios) {
            b.append(String.format("%-4s", s));
            for (String p : policies) {
                CellReport r = byKey.get(s + "/" + p);
                b.append("  ").append(pad(r == null ? "-" : cell(r), width));
            }
            b.append('\n');
        }
        b.append("\nCell: outcome (PASS = no stale read, STALE, LEAK = another VM's data), '!' = differs from mission.md's expected table,\n"
                + "then the hypervisor's cost in cycles (estimate; --format json for the counters).\n");
        boolean any = false;
        for (CellReport r : cells) {
            if (r.outcome() == Outcome.PASS) continue;
            if (!any) b.append("\nFirst violation of each STALE/LEAK cell:\n");
            any = true;
            Violation v = r.first();
            b.append(String.format("  %s %s: %s%s%n", r.scenario(), r.policy(), v == null ? "(none recorded)" : v.oneLine(),
                    r.violations() > 1 ? String.format(" (+%d more)", r.violations() - 1) : ""));
        }
        List<String> diff = new ArrayList<>();
        for (CellReport r : cells) {
            if (differs(r)) diff.add(String.format("  %s %s: measured %s, expected %s", r.scenario(), r.policy(), r.outcome(),
                    ExpectedOutcomes.of(r.scenario(), r.policy())));
        }
        b.append(diff.isEmpty() ? "\nEvery cell agrees with mission.md's expected table.\n"
                : "\nDiffers from mission.md's expected table (analysis in docs/scenarios.md):\n" + String.join("\n", diff) + "\n");
        return b.toString();
    }

    private static String cell(CellReport r) {
        return r.outcome() + (differs(r) ? "!" : "") + " " + r.costs().cycles();
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    /** {@code {"cells": [...]}} with scenario, policy, outcome, expected, violations, leaks, costs (and seed/directed). */
    public static String json(List<CellReport> cells) {
        StringBuilder b = new StringBuilder("{\"cells\": [");
        for (int i = 0; i < cells.size(); i++) {
            CellReport r = cells.get(i);
            if (i > 0) b.append(',');
            b.append("\n  {\"scenario\": ").append(str(r.scenario()))
                    .append(", \"policy\": ").append(str(r.policy()))
                    .append(", \"outcome\": ").append(str(r.outcome().name()))
                    .append(", \"expected\": ").append(str(ExpectedOutcomes.of(r.scenario(), r.policy()).name()))
                    .append(", \"violations\": ").append(r.violations())
                    .append(", \"leaks\": ").append(r.leaks())
                    .append(", \"seed\": ").append(r.seed())
                    .append(", \"directed\": ").append(r.directed())
                    .append(", \"outputAsExpected\": ").append(r.outputAsExpected())
                    .append(", \"firstViolation\": ").append(r.first() == null ? "null" : str(r.first().oneLine()))
                    .append(", \"costs\": {\"cycles\": ").append(r.costs().cycles());
            for (Map.Entry<String, Long> e : r.costs().counters().entrySet()) {
                b.append(", ").append(str(e.getKey())).append(": ").append(e.getValue());
            }
            b.append("}}");
        }
        return b.append("\n]}\n").toString();
    }

    /** A JSON string literal (RFC 8259 escapes). */
    static String str(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }

    /** The full report of one cell: output, host events, every recorded violation in detail, costs. */
    public static String explain(CellReport r) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("%s under %s%s: %s (expected %s)%s%n", r.scenario(), r.policy(),
                r.seed() == 0 ? " (directed)" : " (seed " + r.seed() + (r.directed() ? ", directed events kept" : ", no directed events") + ")",
                r.outcome(), ExpectedOutcomes.of(r.scenario(), r.policy()), differs(r) ? "  << differs from mission.md's table" : ""));
        b.append("\nGuest output").append(r.outputAsExpected() ? " (as on a correct platform):" : " (DIFFERS from a correct platform's):").append('\n');
        for (String line : r.guestOutput().split("\n", -1)) if (!line.isEmpty()) b.append("  ").append(line).append('\n');
        b.append("\nHost events:\n");
        for (String e : r.hostEvents()) b.append("  ").append(e).append('\n');
        b.append("\nEnd of run:\n");
        for (String s : r.stop()) b.append("  ").append(s).append('\n');
        b.append(String.format("  %d instructions retired%n", r.instructions()));
        b.append(String.format("%nViolations: %d (%d leaks)%s%n", r.violations(), r.leaks(),
                r.recorded().size() < r.violations() ? ", the first " + r.recorded().size() + " shown" : ""));
        int n = 0;
        for (Violation v : r.recorded()) {
            b.append("\n#").append(++n).append('\n').append(v.detailed().stripTrailing()).append('\n');
        }
        b.append("\nCosts: ").append(r.costs().brief()).append('\n');
        for (Map.Entry<String, Long> e : r.costs().counters().entrySet()) b.append(String.format("  %-24s %d%n", e.getKey(), e.getValue()));
        return b.toString();
    }
}
