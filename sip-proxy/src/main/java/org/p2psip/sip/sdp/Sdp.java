package org.p2psip.sip.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.p2psip.common.HostPort;

/**
 * The few parts of an SDP body (RFC 4566) the P2PSIP-Port reads and rewrites (draft Sec. 4): the
 * connection addresses ({@code c=}, session and media level), the {@code m=} ports and the RTCP
 * attribute ({@code a=rtcp}, RFC 3605). Every other line is kept byte for byte, in order, with the
 * body's own line ending.
 */
public final class Sdp {
    private final List<String> lines;
    private final String eol;

    private Sdp(List<String> lines, String eol) {
        this.lines = lines;
        this.eol = eol;
    }

    public static Sdp parse(String text) throws SdpException {
        if (text == null || text.isBlank()) {
            throw new SdpException("empty SDP body");
        }
        String eol = text.contains("\r\n") ? "\r\n" : "\n";
        List<String> lines = new ArrayList<>();
        for (String l : text.split("\r?\n", -1)) {
            lines.add(l);
        }
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        if (lines.isEmpty() || !lines.get(0).startsWith("v=")) {
            throw new SdpException("SDP body does not start with v=");
        }
        return new Sdp(lines, eol);
    }

    /** The streams, in {@code m=} order. */
    public List<SdpStream> streams() throws SdpException {
        List<SdpStream> out = new ArrayList<>();
        String sessionC = null;
        int i = 0;
        while (i < lines.size() && !lines.get(i).startsWith("m=")) {
            if (lines.get(i).startsWith("c=")) {
                sessionC = lines.get(i);
            }
            i++;
        }
        int index = 0;
        while (i < lines.size()) {
            String m = lines.get(i);
            String[] f = m.substring(2).trim().split("\\s+");
            if (f.length < 3) {
                throw new SdpException("bad media line '" + m + "'");
            }
            int port = port(f[1], m);
            String c = sessionC;
            String rtcpAttr = null;
            int j = i + 1;
            for (; j < lines.size() && !lines.get(j).startsWith("m="); j++) {
                String l = lines.get(j);
                if (l.startsWith("c=")) {
                    c = l;
                } else if (l.startsWith("a=rtcp:")) {
                    rtcpAttr = l;
                }
            }
            if (port == 0) {
                out.add(new SdpStream(index, f[0], null, null));
            } else {
                if (c == null) {
                    throw new SdpException("no c= line for media " + index + " ('" + m + "')");
                }
                String host = address(c);
                HostPort rtp;
                HostPort rtcp;
                try {
                    rtp = new HostPort(host, port);
                    rtcp = new HostPort(host, Math.min(65535, port + 1));
                    if (rtcpAttr != null) {
                        String[] a = rtcpAttr.substring(7).trim().split("\\s+");
                        int rp = port(a[0], rtcpAttr);
                        rtcp = new HostPort(a.length >= 4 ? a[3] : host, rp);
                    }
                } catch (IllegalArgumentException e) {
                    // found by SdpFuzzTest: e.g. "c=IN IP6 /AVP" gave an empty host
                    throw new SdpException("bad address for media " + index + " ('" + m + "', '" + c + "'): " + e.getMessage());
                }
                out.add(new SdpStream(index, f[0], rtp, rtcp));
            }
            index++;
            i = j;
        }
        return out;
    }

    private static int port(String text, String line) throws SdpException {
        String p = text;
        int slash = p.indexOf('/');
        if (slash >= 0) {
            p = p.substring(0, slash);
        }
        try {
            int v = Integer.parseInt(p);
            if (v < 0 || v > 65535) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new SdpException("bad port in '" + line + "'");
        }
    }

    private static String address(String cLine) throws SdpException {
        String[] f = cLine.substring(2).trim().split("\\s+");
        if (f.length < 3) {
            throw new SdpException("bad connection line '" + cLine + "'");
        }
        String a = f[2];
        int slash = a.indexOf('/');
        return slash >= 0 ? a.substring(0, slash) : a;
    }

    /**
     * A copy where each stream listed in {@code replace} (by index) sends RTP and RTCP to the given
     * addresses: the {@code m=} port, a media-level {@code c=} and {@code a=rtcp} (added when RTCP is not
     * on port + 1). A session-level {@code c=} takes the first replaced address. Streams on hold by
     * {@code c=0.0.0.0} keep that address.
     */
    public String rewrite(Map<Integer, HostPort[]> replace) throws SdpException {
        List<SdpStream> streams = streams();
        List<String> out = new ArrayList<>(lines.size() + 4);
        HostPort first = null;
        for (SdpStream s : streams) {
            if (replace.containsKey(s.index())) {
                first = replace.get(s.index())[0];
                break;
            }
        }
        int i = 0;
        boolean sessionHeld = false;
        while (i < lines.size() && !lines.get(i).startsWith("m=")) {
            String l = lines.get(i);
            if (l.startsWith("c=") && first != null) {
                String a = address(l);
                sessionHeld = a.equals("0.0.0.0") || a.equals("::");
                out.add(sessionHeld ? l : cLine(first.host()));
            } else {
                out.add(l);
            }
            i++;
        }
        int index = 0;
        while (i < lines.size()) {
            String m = lines.get(i);
            HostPort[] r = replace.get(index);
            SdpStream s = streams.get(index);
            int j = i + 1;
            while (j < lines.size() && !lines.get(j).startsWith("m=")) {
                j++;
            }
            if (r == null || !s.isActive()) {
                out.addAll(lines.subList(i, j));
            } else {
                boolean held = s.isHeldByAddress();
                String host = held ? s.rtp().host() : r[0].host();
                String[] f = m.substring(2).trim().split("\\s+", 3);
                String portField = f[1];
                int slash = portField.indexOf('/');
                String newPort = r[0].port() + (slash >= 0 ? portField.substring(slash) : "");
                out.add("m=" + f[0] + " " + newPort + " " + f[2]);
                int k = i + 1;
                // i= (media title) comes before c=
                while (k < j && lines.get(k).startsWith("i=")) {
                    out.add(lines.get(k++));
                }
                out.add(cLine(host));
                boolean rtcpWritten = false;
                for (; k < j; k++) {
                    String l = lines.get(k);
                    if (l.startsWith("c=")) {
                        continue;
                    }
                    if (l.startsWith("a=rtcp:")) {
                        out.add(rtcpLine(r[1], host));
                        rtcpWritten = true;
                        continue;
                    }
                    out.add(l);
                }
                if (!rtcpWritten && r[1].port() != r[0].port() + 1) {
                    out.add(rtcpLine(r[1], host));
                }
            }
            index++;
            i = j;
        }
        return String.join(eol, out) + eol;
    }

    private static String cLine(String host) {
        return "c=IN " + (host.indexOf(':') >= 0 ? "IP6 " : "IP4 ") + host;
    }

    private static String rtcpLine(HostPort rtcp, String rtpHost) {
        if (rtcp.host().equals(rtpHost)) {
            return "a=rtcp:" + rtcp.port();
        }
        return "a=rtcp:" + rtcp.port() + " IN " + (rtcp.host().indexOf(':') >= 0 ? "IP6 " : "IP4 ") + rtcp.host();
    }
}
