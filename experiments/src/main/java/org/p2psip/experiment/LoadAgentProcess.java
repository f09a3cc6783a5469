package org.p2psip.experiment;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The driving side of a {@link LoadAgent} running on one site of a {@link Lab}: started by the lab
 * on first use, one command at a time, closed by the lab. Answers that start with {@code err} become
 * exceptions naming the command.
 */
final class LoadAgentProcess implements AutoCloseable {

    private final Site site;
    private final AgentChannel channel;

    private LoadAgentProcess(Site site, AgentChannel channel) {
        this.site = site;
        this.channel = channel;
    }

    /** Starts a load agent on {@code site}'s host that may send to {@code allowed} only; waits until it is ready. */
    static LoadAgentProcess start(Lab lab, Site site, List<String> allowed, Path log) throws IOException {
        return new LoadAgentProcess(site, AgentChannel.start(lab, site.host(), LoadAgent.class,
                List.of("--allow", String.join(",", allowed)), log, "load agent on " + site, NatNetworkException::new));
    }

    /** Sends one command and returns the answer ({@code ok ...}); an {@code err} or no answer is an exception. */
    String call(String command, Duration timeout) {
        return channel.call(command, timeout);
    }

    Site site() {
        return site;
    }

    boolean isAlive() {
        return channel.isAlive();
    }

    /** Closes its input (the agent stops its flows and exits); kills it if it does not within 5 s. */
    @Override
    public void close() {
        channel.close();
    }
}
