package org.pgbackup.internal.operation;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Runs one piece of work per service, at most {@code parallelism} at a time
 * ({@code BACKUP_PARALLELISM}). Services are independent: each has its own lock, its own
 * {@code pg_dump} and its own objects in every destination.
 */
public final class ServiceRuns {
    private ServiceRuns() {
    }

    /**
     * Runs {@code work} for every service, started in the given order.
     *
     * @return the results in the order of {@code services}
     */
    public static <T> List<T> each(List<String> services, int parallelism, Function<String, T> work) {
        if (parallelism <= 1 || services.size() <= 1) {
            List<T> results = new ArrayList<>();
            services.forEach(service -> results.add(work.apply(service)));
            return results;
        }
        AtomicInteger count = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, services.size()), task -> {
            Thread thread = new Thread(task, "service-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<T>> futures = new ArrayList<>();
            services.forEach(service -> futures.add(pool.submit(() -> work.apply(service))));
            List<T> results = new ArrayList<>();
            boolean interrupted = false;
            for (Future<T> future : futures) {
                // Every piece of work ends with its process: a stop cancels those, so waiting on is right.
                while (true) {
                    try {
                        results.add(future.get());
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                    } catch (ExecutionException e) {
                        if (e.getCause() instanceof RuntimeException runtime) {
                            throw runtime;
                        }
                        throw new IllegalStateException(e.getCause());
                    }
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return results;
        } finally {
            pool.shutdown();
        }
    }
}
