package org.p2psip.experiment;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processes an experiment runs in the lab's sites (peers, phones, status commands): started
 * here, and stopped here in reverse order when the experiment ends, whatever happened. A process
 * the experiment stops or kills itself is {@link #forget forgotten}. Not thread-safe: the
 * experiment's thread only.
 */
public final class LabProcesses {
    private static final Logger log = LoggerFactory.getLogger(LabProcesses.class);

    private final List<ExperimentProcess> processes = new ArrayList<>();

    /** Starts {@code args} ({@code ./p2psip} arguments) in {@code site} with heap {@code heap}, output to {@code logFile}. */
    public ExperimentProcess start(Lab lab, Site site, String name, String heap, List<String> args, Path logFile) throws IOException {
        ExperimentProcess p = ExperimentProcess.start(lab, site.host(), name, heap, args, logFile);
        processes.add(p);
        return p;
    }

    /** {@code p} was stopped or killed by the experiment: not to be stopped again. */
    public void forget(ExperimentProcess p) {
        processes.remove(p);
    }

    /** Stops every process still running, the last started first. */
    public void stopAll() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            try {
                processes.get(i).stop(Duration.ofSeconds(10));
            } catch (RuntimeException e) {
                log.warn("stopping {}: {}", processes.get(i), e.getMessage());
            }
        }
        processes.clear();
    }
}
