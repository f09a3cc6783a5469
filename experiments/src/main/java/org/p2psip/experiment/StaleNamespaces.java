package org.p2psip.experiment;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and removes what a crashed earlier run left behind. Every namespace the project makes is
 * named {@code p2psip-<owner pid>-<seq>-<role>}; one is stale when its owner process no longer
 * runs, or, for a {@code p2psip-} name that carries no owner, when no process runs inside it.
 * Removing a stale namespace first stops the processes still inside it (they would keep it alive).
 */
public final class StaleNamespaces {

    private static final Logger LOG = LoggerFactory.getLogger(StaleNamespaces.class);

    /** The prefix of every namespace the project makes. */
    public static final String PREFIX = "p2psip-";

    private static final Pattern OWNED = Pattern.compile("^" + Pattern.quote(PREFIX) + "(\\d+)-.*");

    private StaleNamespaces() {
    }

    /** Removes the stale project namespaces; returns their names. Needs root, {@code ip}. */
    public static List<String> removeStale() {
        return removeStale(new Netns(Preflight.check()));
    }

    static List<String> removeStale(Netns netns) {
        List<String> removed = new ArrayList<>();
        for (String namespace : netns.list()) {
            if (!namespace.startsWith(PREFIX) || !isStale(netns, namespace)) {
                continue;
            }
            List<Long> left = netns.killAll(namespace, Duration.ofSeconds(2));
            if (!left.isEmpty()) {
                LOG.warn("stale namespace {} kept: process(es) {} would not stop", namespace, left);
                continue;
            }
            netns.delete(namespace);
            removed.add(namespace);
        }
        if (!removed.isEmpty()) {
            LOG.info("removed {} stale namespace(s) of earlier runs: {}", removed.size(), removed);
        }
        return removed;
    }

    /** The owner pid in a project namespace's name, if it carries one. */
    public static OptionalLong owner(String namespace) {
        Matcher m = OWNED.matcher(namespace);
        if (!m.matches()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(m.group(1)));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static boolean isStale(Netns netns, String namespace) {
        OptionalLong owner = owner(namespace);
        if (owner.isPresent()) {
            return ProcessHandle.of(owner.getAsLong()).map(h -> !h.isAlive()).orElse(true);
        }
        return netns.pids(namespace).isEmpty();
    }

    /** How many namespaces whose names start with {@code prefix} exist now. */
    public static int count(String prefix) {
        CommandResult r = Commands.run(java.util.List.of("ip", "netns", "list"), Commands.DEFAULT_TIMEOUT);
        int n = 0;
        for (String line : r.stdout().split("\n")) {
            if (line.strip().startsWith(prefix)) {
                n++;
            }
        }
        return n;
    }
}
