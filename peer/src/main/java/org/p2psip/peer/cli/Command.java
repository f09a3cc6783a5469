package org.p2psip.peer.cli;

/** One {@code ./p2psip} subcommand: runs with the arguments after its name, returns the exit status. */
@FunctionalInterface
public interface Command {
    int run(String[] args) throws Exception;
}
