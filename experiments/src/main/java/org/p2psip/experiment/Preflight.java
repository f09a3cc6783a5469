package org.p2psip.experiment;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks what building a {@link Lab} (and so a {@link NatNetwork}) needs before anything is
 * changed: root (network namespaces, veth pairs, queueing disciplines and nftables need
 * CAP_NET_ADMIN and CAP_SYS_ADMIN) and the tools {@code ip} and {@code tc} (iproute2), {@code nft}
 * (nftables) and {@code sysctl} (procps).
 */
public final class Preflight {

    /** The tools the network builder runs, by command name. */
    public static final List<String> TOOLS = List.of("ip", "tc", "nft", "sysctl");

    /** Searched after {@code PATH}: the admin tools live in sbin, which a user's PATH may lack. */
    private static final List<String> EXTRA_DIRS = List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin");

    private Preflight() {
    }

    /**
     * The resolved tools ({@code ip}, {@code tc}, {@code nft}, {@code sysctl} to absolute paths), or a
     * {@link NatNetworkException} naming everything that is missing.
     */
    public static Map<String, Path> check() {
        Map<String, Optional<Path>> found = new LinkedHashMap<>();
        for (String tool : TOOLS) {
            found.put(tool, find(tool));
        }
        Optional<String> problem = problem(effectiveUid(), found);
        if (problem.isPresent()) {
            throw new NatNetworkException(problem.get());
        }
        Map<String, Path> tools = new LinkedHashMap<>();
        found.forEach((name, path) -> tools.put(name, path.orElseThrow()));
        return tools;
    }

    /**
     * What stands in the way, given the effective user id and the tools found (empty for a missing
     * one); empty when nothing does. Pure, so its messages can be tested without changing users.
     */
    public static Optional<String> problem(long effectiveUid, Map<String, Optional<Path>> tools) {
        List<String> problems = new ArrayList<>();
        if (effectiveUid != 0) {
            problems.add("the network lab needs root (network namespaces, veth pairs, tc and nftables need "
                    + "CAP_NET_ADMIN/CAP_SYS_ADMIN), but the effective user id is " + effectiveUid
                    + ": run as root");
        }
        List<String> missing = new ArrayList<>();
        tools.forEach((name, path) -> {
            if (path.isEmpty()) {
                missing.add(name);
            }
        });
        if (!missing.isEmpty()) {
            problems.add("missing tool(s) " + String.join(", ", missing)
                    + " (searched PATH and " + String.join(":", EXTRA_DIRS)
                    + "); on Debian: apt-get install iproute2 nftables procps");
        }
        return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
    }

    /** The effective user id of this process, from {@code /proc/self/status}; -1 if unreadable. */
    public static long effectiveUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    String[] fields = line.substring(4).trim().split("\\s+");
                    return Long.parseLong(fields[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** An executable named {@code tool} on PATH or in the sbin/bin directories. */
    public static Optional<Path> find(String tool) {
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (!dir.isEmpty()) {
                    dirs.add(dir);
                }
            }
        }
        dirs.addAll(EXTRA_DIRS);
        for (String dir : dirs) {
            Path candidate = Path.of(dir, tool);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate.toAbsolutePath());
            }
        }
        return Optional.empty();
    }
}
