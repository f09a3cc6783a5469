package org.p2psip.experiment;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Removes what a {@link Lab} made: stops the processes it started (SIGTERM to each and its
 * descendants, SIGKILL after the grace period), then any other process left in its namespaces, then
 * deletes the namespaces (and with them the links), last made first. Does all it can and reports
 * what would not go.
 */
final class LabTeardown {

    static final Duration PROCESS_GRACE = Duration.ofSeconds(3);

    private LabTeardown() {
    }

    /**
     * @param processes  the processes the lab started; cleared
     * @param namespaces the namespaces it made; each one deleted is removed from the list
     * @return what would not stop or go, empty if all went
     */
    static List<String> tearDown(Netns netns, List<Process> processes, List<String> namespaces) {
        List<String> problems = new ArrayList<>();
        stop(processes);
        List<String> ours = new ArrayList<>(namespaces);
        Collections.reverse(ours);
        for (String namespace : ours) {
            try {
                List<Long> left = netns.killAll(namespace, PROCESS_GRACE);
                if (!left.isEmpty()) {
                    problems.add("process(es) " + left + " in " + namespace + " would not stop");
                }
            } catch (RuntimeException e) {
                problems.add(e.getMessage());
            }
        }
        for (String namespace : ours) {
            try {
                netns.delete(namespace);
                namespaces.remove(namespace);
            } catch (RuntimeException e) {
                problems.add(e.getMessage());
            }
        }
        return problems;
    }

    private static void stop(List<Process> processes) {
        for (Process process : processes) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
        }
        long deadline = System.nanoTime() + PROCESS_GRACE.toNanos();
        for (Process process : processes) {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                if (!process.waitFor(left, TimeUnit.NANOSECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        processes.clear();
    }
}
