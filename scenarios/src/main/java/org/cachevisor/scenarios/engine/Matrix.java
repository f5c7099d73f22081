package org.cachevisor.scenarios.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * Runs a set of cells (scenarios x policies), on {@code jobs} threads; each cell builds its own machine,
 * so the result of a cell does not depend on the number of threads or on the order.
 */
public final class Matrix {
    private Matrix() {}

    /** One cell to run. */
    public record CellSpec(String scenario, String policy, long seed, boolean directed) {}

    /**
     * Runs every spec and returns the reports in the specs' order.
     *
     * @param progress called with the number of cells finished so far (from any thread), or null
     */
    public static List<CellReport> run(List<CellSpec> specs, int jobs, IntConsumer progress) {
        return run(specs, jobs, progress, Function.identity());
    }

    /**
     * Runs every spec and keeps {@code keep(report)} of each, in the specs' order: explore keeps only the
     * outcome of thousands of runs instead of their reports (violations, output, events).
     */
    public static <T> List<T> run(List<CellSpec> specs, int jobs, IntConsumer progress, Function<CellReport, T> keep) {
        if (jobs < 1) throw new IllegalArgumentException("jobs must be >= 1, got " + jobs);
        List<T> out = new ArrayList<>(specs.size());
        if (jobs == 1) {
            for (CellSpec s : specs) {
                out.add(keep.apply(ScenarioEngine.run(s.scenario(), s.policy(), s.seed(), s.directed())));
                if (progress != null) progress.accept(out.size());
            }
            return out;
        }
        ExecutorService pool = Executors.newFixedThreadPool(jobs);
        java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (CellSpec s : specs) {
                futures.add(pool.submit(() -> {
                    T r = keep.apply(ScenarioEngine.run(s.scenario(), s.policy(), s.seed(), s.directed()));
                    if (progress != null) progress.accept(done.incrementAndGet());
                    return r;
                }));
            }
            for (Future<T> f : futures) out.add(f.get());
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running the matrix", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }
}
