package org.p2psip.peer.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.nio.file.Path;
import org.p2psip.om.client.ConduitChoice;
import org.p2psip.om.omif.OmIfTls;
import org.p2psip.peer.LocalOms;
import org.p2psip.om.client.RemoteOverlayManager;
import org.p2psip.om.client.SoapOmIfClient;
import org.p2psip.om.omif.v1.Endpoint;
import org.p2psip.om.omif.v1.GetNodeStatusResponse;
import org.p2psip.om.omif.v1.Parameter;
import org.p2psip.om.omif.v1.PathMeasurement;
import org.p2psip.om.omif.v1.PortInfo;
import org.p2psip.om.omif.v1.SatoInfo;
import org.p2psip.om.omif.v1.SessionInfo;
import org.p2psip.om.types.Address;
import org.p2psip.om.types.OmException;

/**
 * {@code ./p2psip status HOST:PORT}: calls GetNodeStatus on any Overlay Manager and prints node
 * id, uptime, ports, SATOs, sessions and path measurements. Exit 0 on success, 1 if the OM cannot
 * be reached or answers with a fault, 2 on a usage error.
 */
public final class StatusCommand {
    private StatusCommand() {
    }

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            out.println("usage: ./p2psip status HOST:PORT [--json] [--security DIR]");
            out.println("Prints the node status of the Overlay Manager whose OM IF listens at HOST:PORT (its --om-port).");
            out.println("--json: one JSON object instead, for scripts (keys in peer/README.md, 'status --json').");
            out.println("--security DIR: a secured overlay's OM IF is HTTPS with client certificates: present the peer");
            out.println("  certificate in DIR (any peer of that overlay, made by ./p2psip ca enroll-peer). Not needed on the");
            out.println("  peer's own host as the user running it: status then presents that peer's own certificate.");
            return 0;
        }
        java.util.List<String> words = new java.util.ArrayList<>(java.util.Arrays.asList(args));
        boolean json = words.remove("--json");
        Path securityDir = null;
        int sec = words.indexOf("--security");
        if (sec >= 0) {
            if (sec + 1 >= words.size() || words.get(sec + 1).startsWith("--")) {
                err.println("usage: ./p2psip status HOST:PORT [--json] [--security DIR] (--security needs a directory)");
                return 2;
            }
            securityDir = Path.of(words.get(sec + 1));
            words.remove(sec + 1);
            words.remove(sec);
        }
        String[] rest = words.toArray(String[]::new);
        if (rest.length != 1 || rest[0].startsWith("--")) {
            err.println("usage: ./p2psip status HOST:PORT [--json] [--security DIR]" + (rest.length == 1 ? " (unknown option " + rest[0] + ")" : ""));
            return 2;
        }
        Address om;
        try {
            om = parseTarget(rest[0]);
        } catch (IllegalArgumentException e) {
            err.println("p2psip status: " + e.getMessage() + " (expected HOST:PORT, e.g. 127.0.0.1:7070)");
            return 2;
        }
        if (securityDir == null) {
            securityDir = LocalOms.securityDirOf(om).orElse(null);
        }
        OmIfTls tls;
        try {
            tls = securityDir == null ? null : LocalOms.tls(securityDir);
        } catch (RuntimeException e) {
            err.println("p2psip status: cannot present a certificate from " + securityDir + ": " + e.getMessage());
            return 2;
        }
        String url = SoapOmIfClient.url(om, tls != null);
        try (SoapOmIfClient client = new SoapOmIfClient(null, ConduitChoice.URL_CONNECTION, Duration.ofSeconds(3), Duration.ofSeconds(10), tls)) {
            RemoteOverlayManager remote = new RemoteOverlayManager(client, () -> null, () -> null);
            GetNodeStatusResponse st = remote.status(om);
            if (json) {
                out.println(org.p2psip.common.Json.write(StatusJson.of(om, st, url)));
            } else {
                print(om, st, out, url);
            }
            return 0;
        } catch (OmException e) {
            String why = e.kind() == OmException.Kind.UNREACHABLE
                    ? "no Overlay Manager reachable at " + om + " (" + rootCause(e) + "; asked GetNodeStatus over SOAP at " + url
                    + ": is a peer running there, and is " + om.port() + " its --om-port?" + (tls != null ? ""
                    : " A secured peer's OM IF is HTTPS with client certificates: on its host run this as the user that runs it,"
                    + " elsewhere add --security DIR with a peer certificate of its overlay") + ")"
                    : "the Overlay Manager at " + om + " did not answer the status request: " + e.getMessage();
            err.println("p2psip status: " + why);
            return 1;
        }
    }

    static Address parseTarget(String s) {
        String t = s.trim();
        if (t.startsWith("http://")) {
            t = t.substring(7);
            int slash = t.indexOf('/');
            if (slash >= 0) {
                t = t.substring(0, slash);
            }
        }
        return Address.parse(t);
    }

    private static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    static void print(Address om, GetNodeStatusResponse st, PrintStream out) {
        print(om, st, out, SoapOmIfClient.url(om));
    }

    static void print(Address om, GetNodeStatusResponse st, PrintStream out, String url) {
        out.printf("node        %s%n", st.getNodeId());
        out.printf("OM IF       v%s at %s%n", st.getProtocolVersion(), url);
        out.printf("uptime      %s%n", duration(st.getUptimeSeconds()));
        if (st.getSecurity() != null) {
            out.printf("security    %s%n", st.getSecurity());
        }
        if (st.getRing() != null) {
            org.p2psip.om.omif.v1.RingInfo ring = st.getRing();
            out.printf("ring        %d node(s)%s, last merge %s%s%n", ring.getSize(), ring.isExact() ? "" : " (estimated)",
                    ring.getLastMergeMillis() <= 0 ? "never" : java.time.Instant.ofEpochMilli(ring.getLastMergeMillis())
                            + " (" + ring.getMerges() + " merge(s))",
                    ring.getUnreachable() == null || ring.getUnreachable() == 0 ? ""
                            : ", " + ring.getUnreachable() + " remembered member(s) unreachable");
            if (ring.getLookupAddress() != null) {
                out.printf("lookup      %s (a new peer joins with --bootstrap %s, or this OM's address)%n",
                        ring.getLookupAddress(), ring.getLookupAddress());
            }
        }
        out.printf("ports       %d%n", st.getPort().size());
        for (PortInfo p : st.getPort()) {
            out.printf("  %-12s %-12s %-11s sessions %d%s%n", p.getType() == null ? "?" : p.getType().value(), p.getName(),
                    p.isRunning() ? "running" : "NOT RUNNING", p.getSessions(), details(p.getDetail()));
        }
        out.printf("SATOs       %d%n", st.getSato().size());
        for (SatoInfo s : st.getSato()) {
            out.printf("  %s  %-10s peer %s  %s  %s -> %s  %s  age %s%s%n", s.getSatoId(),
                    s.getPurpose() == null ? "?" : s.getPurpose().value(), shortId(s.getPeerNodeId()),
                    s.getTransport() == null ? "-" : s.getTransport().value(), ep(s.getLocalEndpoint()), ep(s.getRemoteEndpoint()),
                    s.getState() == null ? "?" : s.getState().value(), duration(s.getAgeSeconds()),
                    s.getCallId() == null ? "" : "  call " + s.getCallId())
            ;
            if (s.getNote() != null) {
                out.printf("      %s%n", s.getNote());
            }
            for (String a : s.getAdaptation()) {
                out.printf("      adapted %s%n", a);
            }
            if (!s.getSessionId().isEmpty()) {
                out.printf("      sessions %s%n", String.join(", ", s.getSessionId()));
            }
        }
        out.printf("sessions    %d%n", st.getSession().size());
        for (SessionInfo s : st.getSession()) {
            out.printf("  %s  %s  SATO %s  owner %s%s%n", s.getSessionId(), s.getPortType() == null ? "?" : s.getPortType().value(),
                    s.getSatoId() == null ? "-" : s.getSatoId(), shortId(s.getOwnerNodeId()), details(s.getDetail()));
        }
        out.printf("paths       %d%n", st.getPath().size());
        for (PathMeasurement p : st.getPath()) {
            out.printf(Locale.ROOT, "  peer %s at %s  rtt last %s min %s avg %s  loss %d/%d (%.1f%%)%s  %s  (%s ago)%n",
                    shortId(p.getPeerNodeId()), p.getOmAddress(), ms(p.getRttMillisLast()), ms(p.getRttMillisMin()),
                    ms(p.getRttMillisAvg()), p.getProbesLost(), p.getProbesSent(), p.getLossRatio() * 100,
                    p.getThroughputKbps() == null ? "" : String.format(Locale.ROOT, "  throughput %.0f kbit/s", p.getThroughputKbps()),
                    p.isReachable() ? "reachable" : "UNREACHABLE", duration(p.getAgeSeconds()));
        }
    }

    private static String ms(double v) {
        return v < 0 ? "-" : String.format(Locale.ROOT, "%.2f ms", v);
    }

    private static String ep(Endpoint e) {
        return e == null ? "-" : (e.getHost().indexOf(':') >= 0 ? "[" + e.getHost() + "]" : e.getHost()) + ":" + e.getPort();
    }

    private static String shortId(String id) {
        return id == null ? "-" : id.length() > 12 ? id.substring(0, 12) : id;
    }

    private static String details(java.util.List<Parameter> ps) {
        if (ps.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder(" ");
        for (Parameter p : ps) {
            sb.append(' ').append(p.getName()).append('=').append(p.getValue());
        }
        return sb.toString();
    }

    static String duration(long s) {
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh %02dm %02ds", s / 3600, (s % 3600) / 60, s % 60);
    }
}
