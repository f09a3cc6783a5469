package org.p2psip.cli;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Java side of the {@code ./p2psip} entry point: dispatches a subcommand to the class of the
 * module that owns it. Every command class has {@code public static int run(String[] args)}
 * returning the process exit status. The shell script prints the overall usage.
 */
public final class P2psip {
    /** Subcommand -> command class. Looked up by name so each module owns its own command. */
    static final Map<String, String> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("demo", "org.p2psip.om.cli.DemoCommand");
        COMMANDS.put("peer", "org.p2psip.om.cli.PeerCommand");
        COMMANDS.put("status", "org.p2psip.om.cli.StatusCommand");
        COMMANDS.put("dht", "org.p2psip.lookup.cli.DhtCommand");
        COMMANDS.put("phone", "org.p2psip.phone.PhoneCommand");
        COMMANDS.put("rtp-port", "org.p2psip.rtp.RtpPortMain");
        COMMANDS.put("sip-port", "org.p2psip.sip.P2psipPortMain");
        COMMANDS.put("experiment", "org.p2psip.om.cli.ExperimentCommand");
    }

    private P2psip() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: p2psip <command> [args]; see ./p2psip --help");
            return 2;
        }
        String cls = COMMANDS.get(args[0]);
        if (cls == null) {
            System.err.println("p2psip: unknown command '" + args[0] + "'; see ./p2psip --help");
            return 2;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            Method run = Class.forName(cls).getMethod("run", String[].class);
            return (Integer) run.invoke(null, (Object) rest);
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            System.err.println("p2psip: command '" + args[0] + "' is not available in this build (" + cls + ")");
            return 2;
        } catch (IllegalAccessException e) {
            System.err.println("p2psip: cannot run " + cls + ": " + e.getMessage());
            return 1;
        } catch (InvocationTargetException e) {
            Throwable t = e.getCause();
            System.err.println("p2psip " + args[0] + ": " + t);
            t.printStackTrace();
            return 1;
        }
    }
}
