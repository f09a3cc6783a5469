package org.p2psip.experiment;

import java.util.List;

/**
 * The outcome of a short command run to completion: its exit status and everything it printed.
 *
 * @param command  the command line as run (including any {@code ip netns exec NAME} prefix)
 * @param exitCode the exit status
 * @param stdout   standard output, decoded as UTF-8
 * @param stderr   standard error, decoded as UTF-8
 */
public record CommandResult(List<String> command, int exitCode, String stdout, String stderr) {

    public CommandResult {
        command = List.copyOf(command);
    }

    /** Whether the command exited with status 0. */
    public boolean ok() {
        return exitCode == 0;
    }

    /** This result if the command succeeded, else a {@link NatNetworkException} saying why not. */
    public CommandResult requireOk() {
        if (!ok()) {
            throw new NatNetworkException("command failed (exit " + exitCode + "): "
                    + String.join(" ", command) + (stderr.isBlank() ? "" : ": " + stderr.strip()));
        }
        return this;
    }
}
