package org.p2psip.peer.cli;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.p2psip.enrollment.CaCommand;
import org.p2psip.experiment.ExperimentCommand;
import org.p2psip.lookup.cli.DhtCommand;
import org.p2psip.phone.PhoneCommand;
import org.p2psip.rtp.RtpPortMain;
import org.p2psip.sip.P2psipPortMain;

/**
 * The Java side of the {@code ./p2psip} entry point: dispatches a subcommand to the module that
 * owns it. Each module's command is a plain {@code static int run(String[] args)} method returning
 * the process exit status, referenced here directly (the compiler checks every one). The shell
 * script prints the overall usage.
 */
public final class P2psip {
    /** Subcommand -> the module's command, in the order {@code ./p2psip --help} lists them. */
    static final Map<String, Command> COMMANDS;

    static {
        Map<String, Command> c = new LinkedHashMap<>();
        c.put("demo", DemoCommand::run);
        c.put("peer", PeerCommand::run);
        c.put("status", StatusCommand::run);
        c.put("dht", DhtCommand::run);
        c.put("ca", CaCommand::run);
        c.put("phone", PhoneCommand::run);
        c.put("rtp-port", RtpPortMain::run);
        c.put("sip-port", P2psipPortMain::run);
        c.put("experiment", ExperimentCommand::run);
        COMMANDS = Collections.unmodifiableMap(c);
    }

    private P2psip() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** The project's version, as built ({@code p2psip-version.properties}, filtered by Maven). */
    public static String version() {
        try (java.io.InputStream in = P2psip.class.getResourceAsStream("/p2psip-version.properties")) {
            java.util.Properties p = new java.util.Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown (built without p2psip-version.properties)");
        } catch (java.io.IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    static int run(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: p2psip <command> [args]; see ./p2psip --help");
            return 2;
        }
        if (args[0].equals("--version")) {
            System.out.println("p2psip " + version());
            return 0;
        }
        Command command = COMMANDS.get(args[0]);
        if (command == null) {
            System.err.println("p2psip: unknown command '" + args[0] + "'; see ./p2psip --help");
            return 2;
        }
        try {
            return command.run(Arrays.copyOfRange(args, 1, args.length));
        } catch (Exception e) {
            // commands report their expected errors themselves; this is a bug, so the trace helps
            System.err.println("p2psip " + args[0] + ": " + e);
            e.printStackTrace();
            return 1;
        }
    }
}
