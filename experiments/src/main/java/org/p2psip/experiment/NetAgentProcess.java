package org.p2psip.experiment;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The driving side of a {@link NetAgent} running inside one namespace of a {@link Lab} or {@link NatNetwork} (tests and experiments). */
public final class NetAgentProcess implements AutoCloseable {

    private final AgentChannel channel;

    private NetAgentProcess(AgentChannel channel) {
        this.channel = channel;
    }

    /** Starts a {@link NetAgent} inside {@code node}'s namespace (its standard error goes to a file in {@code logDir}) and waits until it is ready. */
    public static NetAgentProcess start(NatNetwork network, NetNode node, Path logDir) throws IOException {
        return start(network.lab(), node, logDir);
    }

    /** Starts a {@link NetAgent} inside {@code node}'s namespace of {@code lab} (standard error to a file in {@code logDir}) and waits until it is ready. */
    public static NetAgentProcess start(Lab lab, NetNode node, Path logDir) throws IOException {
        return new NetAgentProcess(AgentChannel.start(lab, node, NetAgent.class, List.of(),
                logDir.resolve(lab.namePrefix() + node.name() + ".log"), "agent in " + node, IllegalStateException::new));
    }

    /** Sends one command and returns the answer; an {@code err} answer or no answer fails the test. */
    public String call(String command, Duration timeout) {
        return channel.call(command, timeout);
    }

    public String call(String command) {
        return call(command, Duration.ofSeconds(30));
    }

    /** {@code udp.open}: a new UDP socket; returns {id, localPort}. */
    public int[] udpOpen() {
        String[] f = call("udp.open").split(" ");
        return new int[] {Integer.parseInt(f[1]), Integer.parseInt(f[2])};
    }

    @Override
    public void close() {
        channel.close(); // the agent exits at end of input
    }
}
