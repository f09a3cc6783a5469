package org.p2psip.experiment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The primitive operations on named network namespaces, through {@code ip}, {@code tc}, {@code nft}
 * and {@code sysctl}. Every command runs either inside a namespace ({@code ip -n NAME ...},
 * {@code ip netns exec NAME ...}) or manages the namespace list itself: nothing here reads or
 * changes the host's own interfaces, routes or firewall.
 */
final class Netns {

    private static final Logger LOG = LoggerFactory.getLogger(Netns.class);

    private final Path ip;
    private final Path nft;
    private final Path sysctl;
    private final Path tc;

    Netns(Map<String, Path> tools) {
        this.ip = tools.get("ip");
        this.nft = tools.get("nft");
        this.sysctl = tools.get("sysctl");
        this.tc = tools.get("tc");
    }

    Path ipTool() {
        return ip;
    }

    void add(String namespace) {
        run(List.of(ip.toString(), "netns", "add", namespace)).requireOk();
    }

    /** Deletes the namespace's name; true if it existed. */
    boolean delete(String namespace) {
        CommandResult result = run(List.of(ip.toString(), "netns", "delete", namespace));
        if (!result.ok() && list().contains(namespace)) {
            result.requireOk();
        }
        return result.ok();
    }

    /** The names of all named network namespaces (those under /run/netns). */
    List<String> list() {
        CommandResult result = run(List.of(ip.toString(), "netns", "list")).requireOk();
        List<String> names = new ArrayList<>();
        for (String line : result.stdout().split("\n")) {
            String name = line.strip();
            int space = name.indexOf(' ');
            if (space > 0) {
                name = name.substring(0, space); // "name (id: 3)"
            }
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return names;
    }

    /** The ids of the processes whose network namespace is {@code namespace}. */
    List<Long> pids(String namespace) {
        CommandResult result = run(List.of(ip.toString(), "netns", "pids", namespace));
        if (!result.ok()) {
            return List.of(); // gone already
        }
        List<Long> pids = new ArrayList<>();
        for (String line : result.stdout().split("\n")) {
            if (!line.isBlank()) {
                pids.add(Long.parseLong(line.strip()));
            }
        }
        return pids;
    }

    /** {@code ip -n NAMESPACE args...}, which must succeed. */
    CommandResult ip(String namespace, String... args) {
        List<String> command = new ArrayList<>(List.of(ip.toString(), "-n", namespace));
        command.addAll(List.of(args));
        return run(command).requireOk();
    }

    /** {@code tc -n NAMESPACE args...}, which must succeed. */
    CommandResult tc(String namespace, List<String> args) {
        if (tc == null) {
            throw new NatNetworkException("tc is needed for link shaping but was not found; on Debian: apt-get install iproute2");
        }
        List<String> command = new ArrayList<>(List.of(tc.toString(), "-n", namespace));
        command.addAll(args);
        return run(command).requireOk();
    }

    /** {@code tc -n NAMESPACE -s class show dev DEV}: the classes and their counters, for diagnostics. */
    String tcClasses(String namespace, String dev) {
        return tc(namespace, List.of("-s", "class", "show", "dev", dev)).stdout();
    }

    /** {@code ip netns exec NAMESPACE command...}, to completion. */
    CommandResult exec(String namespace, Duration timeout, List<String> command) {
        return Commands.run(inNamespace(namespace, command), timeout);
    }

    /** The command line that runs {@code command} inside {@code namespace}. */
    List<String> inNamespace(String namespace, List<String> command) {
        List<String> full = new ArrayList<>(List.of(ip.toString(), "netns", "exec", namespace));
        full.addAll(command);
        return full;
    }

    /** Sets a sysctl inside the namespace ({@code ip netns exec NS sysctl -w key=value}). */
    void sysctl(String namespace, String key, String value) {
        exec(namespace, Commands.DEFAULT_TIMEOUT, List.of(sysctl.toString(), "-q", "-w", key + "=" + value))
                .requireOk();
    }

    /** Reads a sysctl inside the namespace. */
    String readSysctl(String namespace, String key) {
        return exec(namespace, Commands.DEFAULT_TIMEOUT, List.of(sysctl.toString(), "-n", key))
                .requireOk().stdout().strip();
    }

    /** Loads an nftables ruleset inside the namespace ({@code nft -f FILE}). */
    void nft(String namespace, String ruleset) {
        Path file = null;
        try {
            file = Files.createTempFile("p2psip-" + namespace + "-", ".nft");
            Files.writeString(file, ruleset, StandardCharsets.UTF_8);
            CommandResult result = exec(namespace, Commands.DEFAULT_TIMEOUT, List.of(nft.toString(), "-f", file.toString()));
            if (!result.ok()) {
                throw new NatNetworkException("nft rejected the ruleset for " + namespace + " (exit "
                        + result.exitCode() + "): " + result.stderr().strip() + "\n--- ruleset ---\n" + ruleset);
            }
        } catch (IOException e) {
            throw new NatNetworkException("cannot write the nftables ruleset for " + namespace + ": " + e.getMessage(), e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    LOG.debug("cannot delete {}: {}", file, e.getMessage());
                }
            }
        }
    }

    /** Lists the namespace's nftables ruleset. */
    String nftList(String namespace) {
        return exec(namespace, Commands.DEFAULT_TIMEOUT, List.of(nft.toString(), "list", "ruleset")).requireOk().stdout();
    }

    /**
     * Stops every process in the namespace: SIGTERM, up to {@code grace} to exit, then SIGKILL.
     * Returns the pids that still run afterwards (empty on success).
     */
    List<Long> killAll(String namespace, Duration grace) {
        List<Long> pids = pids(namespace);
        if (pids.isEmpty()) {
            return pids;
        }
        LOG.debug("stopping {} process(es) in {}: {}", pids.size(), namespace, pids);
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        }
        if (!waitUntilEmpty(namespace, grace)) {
            for (long pid : pids(namespace)) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
            waitUntilEmpty(namespace, Duration.ofSeconds(10));
        }
        return pids(namespace);
    }

    private boolean waitUntilEmpty(String namespace, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            List<Long> left = pids(namespace);
            // a zombie already killed but not yet reaped by its parent still counts here
            left.removeIf(pid -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
            if (left.isEmpty()) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    private static CommandResult run(List<String> command) {
        return Commands.run(command, Commands.DEFAULT_TIMEOUT);
    }
}
