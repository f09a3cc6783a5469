package org.p2psip.peer.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.p2psip.om.omif.v1.Endpoint;
import org.p2psip.om.omif.v1.GetNodeStatusResponse;
import org.p2psip.om.omif.v1.Parameter;
import org.p2psip.om.omif.v1.PathMeasurement;
import org.p2psip.om.omif.v1.PortInfo;
import org.p2psip.om.omif.v1.SatoInfo;
import org.p2psip.om.omif.v1.SessionInfo;
import org.p2psip.om.omif.v1.RingInfo;
import org.p2psip.om.types.Address;

/**
 * {@code ./p2psip status --json}: an Overlay Manager's node status (GetNodeStatus) as one JSON
 * object with stable snake_case keys, the same facts as the text form. The keys are documented in
 * {@code peer/README.md}; a key is never renamed or removed, only added.
 */
final class StatusJson {
    private StatusJson() {
    }

    static Map<String, Object> of(Address om, GetNodeStatusResponse st) {
        return of(om, st, "http://" + om + "/om/v1");
    }

    /** With {@code url} the OM IF's URL as asked (https in a secured overlay). */
    static Map<String, Object> of(Address om, GetNodeStatusResponse st, String url) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", st.getNodeId());
        m.put("om_if_version", st.getProtocolVersion());
        m.put("om_if_url", url);
        m.put("uptime_seconds", st.getUptimeSeconds());
        RingInfo ring = st.getRing();
        if (ring == null) {
            m.put("ring", null);
        } else {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("size", ring.getSize());
            r.put("exact", ring.isExact());
            r.put("last_merge_ms", ring.getLastMergeMillis() <= 0 ? null : ring.getLastMergeMillis());
            r.put("merges", ring.getMerges());
            r.put("unreachable_members", ring.getUnreachable() == null ? 0 : ring.getUnreachable());
            m.put("ring", r);
        }
        List<Object> ports = new ArrayList<>();
        for (PortInfo p : st.getPort()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("type", p.getType() == null ? null : p.getType().value());
            o.put("name", p.getName());
            o.put("running", p.isRunning());
            o.put("sessions", p.getSessions());
            o.put("detail", details(p.getDetail()));
            ports.add(o);
        }
        m.put("ports", ports);
        List<Object> satos = new ArrayList<>();
        for (SatoInfo s : st.getSato()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("id", s.getSatoId());
            o.put("purpose", s.getPurpose() == null ? null : s.getPurpose().value());
            o.put("peer_node", s.getPeerNodeId());
            o.put("transport", s.getTransport() == null ? null : s.getTransport().value());
            o.put("local", ep(s.getLocalEndpoint()));
            o.put("remote", ep(s.getRemoteEndpoint()));
            o.put("state", s.getState() == null ? null : s.getState().value());
            o.put("age_seconds", s.getAgeSeconds());
            o.put("call_id", s.getCallId());
            o.put("note", s.getNote());
            o.put("adaptations", new ArrayList<>(s.getAdaptation()));
            o.put("sessions", new ArrayList<>(s.getSessionId()));
            satos.add(o);
        }
        m.put("satos", satos);
        List<Object> sessions = new ArrayList<>();
        for (SessionInfo s : st.getSession()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("id", s.getSessionId());
            o.put("port_type", s.getPortType() == null ? null : s.getPortType().value());
            o.put("sato", s.getSatoId());
            o.put("owner_node", s.getOwnerNodeId());
            o.put("detail", details(s.getDetail()));
            sessions.add(o);
        }
        m.put("sessions", sessions);
        List<Object> paths = new ArrayList<>();
        for (PathMeasurement p : st.getPath()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("peer_node", p.getPeerNodeId());
            o.put("om", p.getOmAddress());
            o.put("rtt_ms_last", ms(p.getRttMillisLast()));
            o.put("rtt_ms_min", ms(p.getRttMillisMin()));
            o.put("rtt_ms_avg", ms(p.getRttMillisAvg()));
            o.put("probes_sent", p.getProbesSent());
            o.put("probes_lost", p.getProbesLost());
            o.put("loss_ratio", p.getLossRatio());
            o.put("throughput_kbps", p.getThroughputKbps());
            o.put("reachable", p.isReachable());
            o.put("age_seconds", p.getAgeSeconds());
            paths.add(o);
        }
        m.put("paths", paths);
        return m;
    }

    private static Double ms(double v) {
        return v < 0 ? null : v;
    }

    private static String ep(Endpoint e) {
        return e == null ? null : (e.getHost().indexOf(':') >= 0 ? "[" + e.getHost() + "]" : e.getHost()) + ":" + e.getPort();
    }

    private static Map<String, Object> details(List<Parameter> ps) {
        Map<String, Object> d = new LinkedHashMap<>();
        for (Parameter p : ps) {
            d.put(p.getName(), p.getValue());
        }
        return d;
    }
}
