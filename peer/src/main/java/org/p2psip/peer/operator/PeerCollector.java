package org.p2psip.peer.operator;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.message.Fields;
import org.p2psip.lookup.chord.ChordNode;
import org.p2psip.lookup.chord.NodeStatus;
import org.p2psip.om.OverlayManager;
import org.p2psip.om.ports.PortStatus;
import org.p2psip.om.table.Sato;
import org.p2psip.om.table.SatoState;
import org.p2psip.om.types.PortKind;
import org.p2psip.om.types.Purpose;
import org.p2psip.peer.Peer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer's own metrics, read at each scrape from where they live: the SATO-Ports' counters over
 * the control protocol ({@code port.status}, {@code rtp.stats}, as {@code ./p2psip status} reads
 * them; in-process or separate processes alike), the Overlay Manager's SATO table and relay
 * decisions, and the lookup node's status. One reading per scrape, so every value of a scrape is
 * from the same moment. Metric names and labels are listed in {@code peer/README.md}.
 */
public final class PeerCollector implements MultiCollector {
    private static final Logger log = LoggerFactory.getLogger(PeerCollector.class);
    private static final String[] CALL_CLASSES = {"2xx", "3xx", "4xx", "5xx", "6xx"};

    private final Peer peer;

    public PeerCollector(Peer peer) {
        this.peer = peer;
    }

    @Override
    public MetricSnapshots collect() {
        List<MetricSnapshot> out = new ArrayList<>();
        OverlayManager om = peer.overlayManager();
        if (om == null) {
            return new MetricSnapshots(out);
        }
        Map<PortKind, PortStatus> ports = new EnumMap<>(PortKind.class);
        for (PortStatus s : om.portStatus()) {
            ports.put(s.kind(), s);
        }
        GaugeSnapshot.Builder up = GaugeSnapshot.builder().name("p2psip_sato_port_up")
                .help("1 if the SATO-Port answers its Overlay Manager on its control socket, else 0");
        for (PortKind k : PortKind.values()) {
            PortStatus s = ports.get(k);
            up.dataPoint(gauge(s != null && s.running() ? 1 : 0, "port", k.wire()));
        }
        out.add(up.build());
        sipPort(ports.get(PortKind.P2PSIP_PORT), out);
        rtpPort(ports.get(PortKind.RTP_PORT), out);
        satos(om, out);
        relayDecisions(out);
        userRegistrations(out);
        lookup(out);
        return new MetricSnapshots(out);
    }

    private void sipPort(PortStatus s, List<MetricSnapshot> out) {
        Map<String, String> d = s == null ? Map.of() : s.details();
        out.add(CounterSnapshot.builder().name("p2psip_sip_registrations")
                .help("REGISTER requests answered by the P2PSIP-Port's registrar, by outcome")
                .dataPoint(counter(num(d, Fields.REGISTRATIONS_ACCEPTED), "outcome", "accepted"))
                .dataPoint(counter(num(d, Fields.REGISTRATIONS_FAILED), "outcome", "failed"))
                .build());
        out.add(GaugeSnapshot.builder().name("p2psip_sip_registered_users")
                .help("Users registered at the P2PSIP-Port now").dataPoint(gauge(num(d, Fields.USERS))).build());
        out.add(GaugeSnapshot.builder().name("p2psip_sip_bindings")
                .help("Contact bindings held by the P2PSIP-Port's registrar now").dataPoint(gauge(num(d, Fields.BINDINGS))).build());
        CounterSnapshot.Builder calls = CounterSnapshot.builder().name("p2psip_sip_calls")
                .help("Calls through the P2PSIP-Port by outcome: the class of the final response to the initial INVITE"
                        + " (2xx answered; 4xx, 5xx, 6xx failed; 3xx redirected)");
        for (String c : CALL_CLASSES) {
            calls.dataPoint(counter(num(d, Fields.CALLS_OUTCOME_PREFIX + c), "outcome", c));
        }
        out.add(calls.build());
        out.add(GaugeSnapshot.builder().name("p2psip_sip_active_calls")
                .help("Calls holding SATOs at the P2PSIP-Port now").dataPoint(gauge(num(d, Fields.CALLS))).build());
        out.add(CounterSnapshot.builder().name("p2psip_sip_calls_ended")
                .help("Calls that released their SATOs at the P2PSIP-Port").dataPoint(counter(num(d, Fields.CALLS_ENDED))).build());
        out.add(CounterSnapshot.builder().name("p2psip_sip_calls_shed")
                .help("New calls refused with 503 by the P2PSIP-Port's overload control").dataPoint(counter(num(d, Fields.CALLS_SHED))).build());
        out.add(CounterSnapshot.builder().name("p2psip_sip_requests")
                .help("SIP requests received by the P2PSIP-Port, by outcome (rejected: answered with an error by the port itself)")
                .dataPoint(counter(Math.max(0, num(d, Fields.REQUESTS) - num(d, Fields.REQUESTS_REJECTED)), "outcome", "accepted"))
                .dataPoint(counter(num(d, Fields.REQUESTS_REJECTED), "outcome", "rejected"))
                .build());
    }

    private void rtpPort(PortStatus s, List<MetricSnapshot> out) {
        Map<String, String> d = s == null ? Map.of() : s.details();
        out.add(GaugeSnapshot.builder().name("p2psip_rtp_port_sessions")
                .help("RTP-Port sessions now, by kind (relay: a hop of another peer's media SATO; endpoint: this peer's calls)")
                .dataPoint(gauge(num(d, Fields.RELAY_SESSIONS), "kind", "relay"))
                .dataPoint(gauge(num(d, Fields.ENDPOINT_SESSIONS), "kind", "endpoint"))
                .build());
        out.add(CounterSnapshot.builder().name("p2psip_rtp_port_packets_forwarded")
                .help("Packets the RTP-Port forwarded").dataPoint(counter(num(d, Fields.PACKETS_FORWARDED))).build());
        out.add(CounterSnapshot.builder().name("p2psip_rtp_port_packets_dropped")
                .help("Packets the RTP-Port dropped (strangers, malformed, unrouted, overflow)").dataPoint(counter(num(d, Fields.DROPS))).build());
        long received = 0;
        long expected = 0;
        long lost = 0;
        try {
            for (Map.Entry<String, String> f : peer.rtpStats().fields()) {
                String k = f.getKey();
                if (k.endsWith(Fields.LEG_SEPARATOR + Fields.RTP_RECEIVED)) {
                    received += ControlMessage.longOr(f.getValue(), 0);
                } else if (k.endsWith(Fields.LEG_SEPARATOR + Fields.RTP_EXPECTED)) {
                    expected += ControlMessage.longOr(f.getValue(), 0);
                } else if (k.endsWith(Fields.LEG_SEPARATOR + Fields.RTP_LOST)) {
                    lost += Math.max(0, ControlMessage.longOr(f.getValue(), 0));
                }
            }
        } catch (ControlException | RuntimeException e) {
            log.debug("rtp.stats for the metrics: {}", e.getMessage());
        }
        out.add(GaugeSnapshot.builder().name("p2psip_rtp_port_rtp_packets")
                .help("RTP packets on the legs of the RTP-Port's open sessions, by count (received; expected from the sequence"
                        + " numbers; lost = expected - received)")
                .dataPoint(gauge(received, "count", "received"))
                .dataPoint(gauge(expected, "count", "expected"))
                .dataPoint(gauge(lost, "count", "lost"))
                .build());
    }

    private static void satos(OverlayManager om, List<MetricSnapshot> out) {
        Map<String, Integer> n = new LinkedHashMap<>();
        for (Purpose p : Purpose.values()) {
            for (SatoState st : SatoState.values()) {
                n.put(p.wire() + "/" + label(st), 0);
            }
        }
        for (Sato s : om.satos().all()) {
            n.merge(s.purpose().wire() + "/" + label(s.state()), 1, Integer::sum);
        }
        GaugeSnapshot.Builder g = GaugeSnapshot.builder().name("p2psip_satos")
                .help("SATOs in the Overlay Manager's SATO table now, by kind (signalling, media) and state");
        n.forEach((k, v) -> {
            int slash = k.indexOf('/');
            g.dataPoint(gauge(v, "kind", k.substring(0, slash), "state", k.substring(slash + 1)));
        });
        out.add(g.build());
    }

    private void userRegistrations(List<MetricSnapshot> out) {
        CounterSnapshot.Builder c = CounterSnapshot.builder().name("p2psip_om_user_registrations")
                .help("REGISTERs the OM answered: the user record stored in the lookup service, or a refresh whose record lives on (nothing written)");
        peer.userRegistrations().forEach((outcome, count) -> c.dataPoint(counter(count, "outcome", outcome)));
        out.add(c.build());
    }

    private void relayDecisions(List<MetricSnapshot> out) {
        CounterSnapshot.Builder c = CounterSnapshot.builder().name("p2psip_relay_decisions")
                .help("Relay decisions for new media SATOs (paper Sec. 5.2), by reason");
        peer.relayDecisions().forEach((reason, count) -> c.dataPoint(counter(count, "reason", reason)));
        out.add(c.build());
    }

    private void lookup(List<MetricSnapshot> out) {
        ChordNode chord = peer.lookupNode();
        if (chord == null) {
            return; // behind a NAT: a client of the ring, no node of its own
        }
        NodeStatus st = chord.status();
        out.add(GaugeSnapshot.builder().name("p2psip_lookup_ring_nodes")
                .help("Nodes of the Chord ring as this lookup node sees it (0: not counted yet)").dataPoint(gauge(st.ringSize())).build());
        out.add(GaugeSnapshot.builder().name("p2psip_lookup_keys")
                .help("Keys held by this lookup node, by role").dataPoint(gauge(st.primaryKeys(), "role", "primary"))
                .dataPoint(gauge(Math.max(0, st.keys() - st.primaryKeys()), "role", "replica")).build());
        out.add(CounterSnapshot.builder().name("p2psip_lookup_routed_lookups")
                .help("Lookups this Chord node routed as their origin").dataPoint(counter(st.lookups())).build());
        out.add(GaugeSnapshot.builder().name("p2psip_lookup_mean_hops")
                .help("Mean hops of the lookups this Chord node routed").dataPoint(gauge(st.meanHops())).build());
    }

    private static String label(SatoState s) {
        return s.name().toLowerCase(Locale.ROOT);
    }

    private static long num(Map<String, String> d, String field) {
        return ControlMessage.longOr(d.get(field), 0);
    }

    private static CounterSnapshot.CounterDataPointSnapshot counter(double v, String... labels) {
        return CounterSnapshot.CounterDataPointSnapshot.builder().value(v).labels(Labels.of(labels)).build();
    }

    private static GaugeSnapshot.GaugeDataPointSnapshot gauge(double v, String... labels) {
        return GaugeSnapshot.GaugeDataPointSnapshot.builder().value(v).labels(Labels.of(labels)).build();
    }
}
