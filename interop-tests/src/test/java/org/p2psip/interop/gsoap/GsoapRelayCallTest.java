package org.p2psip.interop.gsoap;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.Test;
import org.p2psip.enrollment.NodeIdentity;
import org.p2psip.enrollment.RunCa;
import org.p2psip.enrollment.records.RecordSigner;
import org.p2psip.common.HostPort;
import org.p2psip.om.client.RemoteOverlayManager;
import org.p2psip.om.client.SoapOmIfClient;
import org.p2psip.om.omif.v1.GetNodeStatusResponse;
import org.p2psip.om.omif.v1.Parameter;
import org.p2psip.om.omif.v1.SessionInfo;
import org.p2psip.om.records.PeerRecord;
import org.p2psip.peer.Peer;
import org.p2psip.peer.PeerConfig;
import org.p2psip.phone.MediaStats;
import org.p2psip.phone.Phone;
import org.p2psip.phone.PhoneConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A legacy gSOAP peer relays a live call: two Java peers (relay policy always, neither offering a
 * relay), the project's phones alice and bob, and {@code relay_peer} (C, gSOAP, generated from
 * {@code wsdl/} at test time) as the only relay in the lookup service, its relay record written
 * for it by a Java helper (the unsecured legacy mode). The call is established, media flows both
 * ways through the C relay (its own packet counters, read with GetNodeStatus during the call and
 * printed when StopPort ends the session, and the phones' statistics), and the hang-up releases
 * its session.
 */
public class GsoapRelayCallTest {
    private static final Logger log = LoggerFactory.getLogger(GsoapRelayCallTest.class);
    private static final Pattern STOPPED = Pattern.compile(
            "RELAY (\\S+) stopped \\(StopPort\\): caller_in=(\\d+) callee_in=(\\d+) to_callee=(\\d+) to_caller=(\\d+) dropped=(\\d+)");

    @Test
    public void aCallIsRelayedByTheGsoapPeer() throws Exception {
        callThroughTheGsoapRelay(false);
    }

    /**
     * The same in a secured overlay: the legacy peer is enrolled like any peer (the CA picks its
     * Node-ID), and a helper holding its key signs its relay record, which the storing nodes and the
     * reading OMs check ({@code relay:*} only by the node the record names). Its OM IF is HTTPS with
     * client certificates ({@code relay_peer_tls}, gSOAP with OpenSSL), as every OM IF of the overlay.
     */
    @Test
    public void aCallIsRelayedByTheEnrolledGsoapPeerInASecuredOverlay() throws Exception {
        callThroughTheGsoapRelay(true);
    }

    private void callThroughTheGsoapRelay(boolean secured) throws Exception {
        List<AutoCloseable> owned = new ArrayList<>();
        Path state = Files.createTempDirectory("p2psip-gsoap-relay-");
        Path legacyDir = secured ? RunCa.in(state).peer("gsoap-relay") : null;
        NodeIdentity legacy = secured ? NodeIdentity.load(legacyDir) : null;
        try (GsoapRelayPeer relay = secured ? GsoapRelayPeer.start("127.0.0.1", 8, legacy.nodeId(), legacyDir)
                : GsoapRelayPeer.start("127.0.0.1", 8)) {
            Peer peer1 = peer(owned, "peer1", state, null, "31000-31099", secured);
            Peer peer2 = peer(owned, "peer2", state, peer1.bootstrapAddress(), "32000-32099", secured);
            if (secured) {
                // a helper holding the legacy peer's key signs its record; stored as it is, checked by every holder
                String signed = new RecordSigner(legacy.key(), legacy.certificate()).put(PeerRecord.RELAY_KEY, relay.relayRecord(8), 120);
                peer1.lookupNode().put(PeerRecord.RELAY_KEY, signed, 120).get(10, TimeUnit.SECONDS);
            } else {
                // the legacy peer cannot write to the lookup service: a Java helper writes its relay record
                peer1.lookupService().put(PeerRecord.RELAY_KEY, relay.relayRecord(8), 120).get(10, TimeUnit.SECONDS);
            }
            awaitRecord(peer2, PeerRecord.RELAY_KEY, relay.nodeId);

            Phone alice = phone(owned, "alice", peer1);
            Phone bob = phone(owned, "bob", peer2);
            alice.register();
            bob.register();
            awaitRecord(peer1, PeerRecord.USER_PREFIX + "bob", "@");
            CompletableFuture<Void> answered = CompletableFuture.runAsync(() -> {
                try {
                    bob.answer(Duration.ofSeconds(20));
                } catch (Exception e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            });
            alice.call("bob", Duration.ofSeconds(20));
            answered.get(20, TimeUnit.SECONDS);
            assertTrue("alice hears no media through the gSOAP relay", alice.awaitMedia(Duration.ofSeconds(10)));
            assertTrue("bob hears no media through the gSOAP relay", bob.awaitMedia(Duration.ofSeconds(10)));
            assertTrue(relay.line("StartPort relay-1").isPresent());
            assertTrue(relay.line("ConnectRtp").isPresent());
            Thread.sleep(2000);

            Map<String, String> during = relaySession(peer1, relay);
            log.info("relay_peer session during the call: {}", during);
            assertTrue("the C relay received nothing from alice's side: " + during, count(during, "packets.caller_in") > 50);
            assertTrue("the C relay received nothing from bob's side: " + during, count(during, "packets.callee_in") > 50);
            assertTrue(during.toString(), count(during, "packets.to_callee") > 50 && count(during, "packets.to_caller") > 50);

            alice.hangup();
            assertTrue("bob saw no BYE", bob.awaitHangup(Duration.ofSeconds(10)) != null);
            MediaStats a = alice.stats();
            MediaStats b = bob.stats();
            log.info("phone alice: {}", a.summary());
            log.info("phone bob:   {}", b.summary());
            assertTrue(a.summary(), a.flowedBothWays() && a.packetsReceived() > 100);
            assertTrue(b.summary(), b.flowedBothWays() && b.packetsReceived() > 100);

            String stopped = relay.line("RELAY relay-1 stopped").orElseThrow(
                    () -> new AssertionError("the hang-up did not stop the relay session: " + relay.lines));
            log.info("relay_peer: {}", stopped);
            Matcher m = STOPPED.matcher(stopped);
            assertTrue(stopped, m.matches());
            long callerIn = Long.parseLong(m.group(2));
            long calleeIn = Long.parseLong(m.group(3));
            // everything alice sent reached the relay's caller leg and went on to bob, and back
            assertTrue(stopped, callerIn >= b.packetsReceived() && Long.parseLong(m.group(4)) >= b.packetsReceived());
            assertTrue(stopped, calleeIn >= a.packetsReceived() && Long.parseLong(m.group(5)) >= a.packetsReceived());
            // RTP1 is connected to the relay's caller leg just before ConnectRtp reaches it: its first
            // packets may find the callee leg without a far end yet
            assertTrue(stopped, Long.parseLong(m.group(6)) <= 10);
            assertEquals("sessions left on the gSOAP relay peer", 0, status(peer1, relay).getSession().size());
            log.info("relay_peer's requests: {}", relay.lines);
            assertTrue("the Java OMs asked the relay peer for an operation it does not offer: " + relay.lines,
                    relay.lines.stream().noneMatch(l -> l.contains("refused")));
        } finally {
            for (int i = owned.size() - 1; i >= 0; i--) {
                owned.get(i).close();
            }
        }
    }

    private static Peer peer(List<AutoCloseable> owned, String name, Path state, String bootstrap, String rtpPorts, boolean secured)
            throws Exception {
        Map<String, String> s = new LinkedHashMap<>(Peer.loopbackDefaults(name, state.resolve(name)));
        // unsecured: the legacy gSOAP peer has no certificate and its relay record is written unsigned
        s.put("security", secured ? RunCa.in(state).peer(name, "alice", "bob").toString() : "off");
        s.put("relay-policy", "always");
        s.put("offer-relay", "off");
        // adaptation off: a scheduling stall on a loaded machine would look like a dead relay path and
        // move the call off the gSOAP relay; this test is about the relay peer, not the adaptation
        s.put("adapt", "off");
        s.put("ports", "in-process");
        s.put("rtp-ports", rtpPorts);
        if (bootstrap != null) {
            s.put("bootstrap", bootstrap);
        }
        Peer p = Peer.start(PeerConfig.of(s));
        owned.add(p);
        return p;
    }

    private static Phone phone(List<AutoCloseable> owned, String user, Peer peer) throws Exception {
        InetSocketAddress proxy = HostPort.parse(peer.sipAddress()).toSocketAddress();
        Phone ph = Phone.start(PhoneConfig.builder(user, proxy).listen("127.0.0.1", 0).build());
        owned.add(ph);
        return ph;
    }

    /** Waits until {@code peer}'s lookup service returns a value containing {@code part} under {@code key}. */
    private static void awaitRecord(Peer peer, String key, String part) throws Exception {
        long end = System.nanoTime() + 20_000_000_000L;
        while (true) {
            List<String> values = peer.lookupService().get(key).get(5, TimeUnit.SECONDS);
            if (values.stream().anyMatch(v -> v.contains(part))) {
                return;
            }
            if (System.nanoTime() > end) {
                fail("the lookup service still has no " + key + " with '" + part + "' after 20 s: " + values);
            }
            Thread.sleep(100);
        }
    }

    private static GetNodeStatusResponse status(Peer from, GsoapRelayPeer relay) throws Exception {
        // as peer1's OM asks it: with peer1's certificate in a secured overlay
        try (SoapOmIfClient client = from.identity() == null ? new SoapOmIfClient()
                : SoapOmIfClient.secured(org.p2psip.peer.LocalOms.tls(from.identity().directory()))) {
            return new RemoteOverlayManager(client, () -> from.overlayManager().nodeId(), () -> null).status(relay.address);
        }
    }

    /** The relay session's details (leg addresses, packet counters), as the gSOAP peer reports them. */
    private static Map<String, String> relaySession(Peer from, GsoapRelayPeer relay) throws Exception {
        List<SessionInfo> sessions = status(from, relay).getSession();
        assertEquals("relay sessions on the gSOAP peer during the call", 1, sessions.size());
        Map<String, String> d = new LinkedHashMap<>();
        for (Parameter p : sessions.get(0).getDetail()) {
            d.put(p.getName(), p.getValue());
        }
        return d;
    }

    private static long count(Map<String, String> d, String name) {
        String v = d.get(name);
        return v == null ? -1 : Long.parseLong(v);
    }
}
