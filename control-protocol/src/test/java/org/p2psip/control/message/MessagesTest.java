package org.p2psip.control.message;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.ErrorCode;
import org.p2psip.control.MessageTypes;

/**
 * Every typed message: a round trip (typed -> ControlMessage -> typed), the exact wire fields of
 * the untyped messages it replaces, and a rejection naming the missing or invalid field.
 */
public class MessagesTest {

    /** What a parser does; ControlException is the point of the rejection tests. */
    private interface Parser<T> {
        T parse(ControlMessage m) throws ControlException;
    }

    private static <T> void rejects(Parser<T> p, ControlMessage m, String field) {
        try {
            T t = p.parse(m);
            fail("accepted " + m + " as " + t);
        } catch (ControlException e) {
            assertEquals(e.toString(), ErrorCode.BAD_REQUEST, e.code());
            assertTrue(e.getMessage(), e.getMessage().startsWith(m.type() + ": "));
            assertTrue(e.getMessage() + " should name " + field, e.getMessage().contains(" field " + field));
        }
    }

    private static <T> void wrongType(Parser<T> p, ControlMessage m, String expected) {
        try {
            T t = p.parse(m);
            fail("accepted " + m + " as " + t);
        } catch (ControlException e) {
            assertEquals(e.toString(), ErrorCode.BAD_REQUEST, e.code());
            assertTrue(e.getMessage(), e.getMessage().contains(expected) && e.getMessage().contains(m.type()));
        }
    }

    private static ControlMessage req(String type) {
        return ControlMessage.request(type);
    }

    private static ControlMessage answerTo(String type) {
        return ControlMessage.responseTo(req(type));
    }

    // ---- hello ------------------------------------------------------------------------------------

    @Test
    public void hello() throws Exception {
        Hello h = Hello.of("om", "peer-1");
        ControlMessage m = h.toMessage();
        assertEquals(req("hello").with("version", 1).with("role", "om").with("name", "peer-1"), m);
        assertEquals(h, Hello.from(m));
        ControlMessage a = h.answer(m);
        assertEquals(ControlMessage.Kind.RESPONSE, a.kind());
        assertEquals(h, Hello.from(a));
        rejects(Hello::from, req("hello").with("version", "one").with("role", "om").with("name", "x"), "version");
        rejects(Hello::from, req("hello").with("version", 1).with("name", "x"), "role");
    }

    // ---- lookup service and user records ------------------------------------------------------------

    @Test
    public void lookupPutGetRemove() throws Exception {
        LookupPut put = new LookupPut("relay:rtp-port", "N1@10.0.0.1:8080;free=3", 60);
        assertEquals(req("lookup.put").with("key", "relay:rtp-port").with("value", "N1@10.0.0.1:8080;free=3").with("ttl", 60),
                put.toMessage());
        assertEquals(put, LookupPut.from(put.toMessage()));
        rejects(LookupPut::from, req("lookup.put").with("key", "k").with("value", "v"), "ttl");
        rejects(LookupPut::from, req("lookup.put").with("key", "k").with("value", "v").with("ttl", "soon"), "ttl");

        LookupGet get = new LookupGet("user:bob");
        assertEquals(get, LookupGet.from(get.toMessage()));
        rejects(LookupGet::from, req("lookup.get"), "key");
        LookupGetAnswer values = new LookupGetAnswer(List.of("a", "b"));
        ControlMessage va = values.answer(get.toMessage());
        assertEquals(List.of("a", "b"), va.getAll("value"));
        assertEquals(values, LookupGetAnswer.from(va));
        assertEquals(List.of(), LookupGetAnswer.from(answerTo("lookup.get")).values());

        LookupRemove remove = new LookupRemove("user:bob", "N2@h:1");
        assertEquals(remove, LookupRemove.from(remove.toMessage()));
        rejects(LookupRemove::from, req("lookup.remove").with("key", "k"), "value");
    }

    @Test
    public void userRecords() throws Exception {
        UserRegister reg = new UserRegister("alice", 3600);
        assertEquals(req("user.register").with("user", "alice").with("ttl", 3600), reg.toMessage());
        assertEquals(reg, UserRegister.from(reg.toMessage()));
        rejects(UserRegister::from, req("user.register").with("ttl", 60), "user");
        rejects(UserRegister::from, req("user.register").with("user", "alice").with("ttl", "x"), "ttl");

        UserDeregister dereg = new UserDeregister("alice");
        assertEquals(req("user.deregister").with("user", "alice"), dereg.toMessage());
        assertEquals(dereg, UserDeregister.from(dereg.toMessage()));
        rejects(UserDeregister::from, req("user.deregister").with("user", ""), "user");

        UserLookup lookup = new UserLookup("bob");
        assertEquals(req("user.lookup").with("user", "bob"), lookup.toMessage());
        assertEquals(lookup, UserLookup.from(lookup.toMessage()));
        rejects(UserLookup::from, req("user.lookup"), "user");
        UserLookup forCall = new UserLookup("bob", "c-1@h");
        assertEquals(req("user.lookup").with("user", "bob").with("call", "c-1@h"), forCall.toMessage());
        assertEquals(forCall, UserLookup.from(forCall.toMessage()));
        assertEquals(null, UserLookup.from(lookup.toMessage()).call());

        UserLookupAnswer found = new UserLookupAnswer(List.of("N2@10.0.0.2:8080", "N1@10.0.0.1:8080"), List.of("N1@10.0.0.1:8080"));
        ControlMessage a = found.answer(lookup.toMessage());
        assertEquals(List.of("N2@10.0.0.2:8080", "N1@10.0.0.1:8080"), a.getAll("peer"));
        assertEquals(List.of("N1@10.0.0.1:8080"), a.getAll("self"));
        UserLookupAnswer back = UserLookupAnswer.from(a);
        assertEquals(found, back);
        assertTrue(back.isSelf("N1@10.0.0.1:8080"));
        assertFalse(back.isSelf("N2@10.0.0.2:8080"));
        // the OM's interleaved form (peer, self, peer) reads the same; empty values are skipped
        ControlMessage om = answerTo("user.lookup").with("peer", "p1").with("self", "p1").with("peer", "").with("peer", "p2");
        assertEquals(new UserLookupAnswer(List.of("p1", "p2"), List.of("p1")), UserLookupAnswer.from(om));
        wrongType(UserLookupAnswer::from, answerTo("user.register"), "user.lookup");
    }

    // ---- SATOs ------------------------------------------------------------------------------------

    @Test
    public void signallingSato() throws Exception {
        SignallingSatoRequest r = new SignallingSatoRequest("c1@h", "N2@10.0.0.2:8080");
        assertEquals(req("sato.signalling.request").with("call", "c1@h").with("peer", "N2@10.0.0.2:8080"), r.toMessage());
        assertEquals(r, SignallingSatoRequest.from(r.toMessage()));
        rejects(SignallingSatoRequest::from, req("sato.signalling.request").with("call", "c"), "peer");

        SignallingSatoAnswer a = new SignallingSatoAnswer("s-1");
        assertEquals(a, SignallingSatoAnswer.from(a.answer(r.toMessage())));
        rejects(SignallingSatoAnswer::from, answerTo("sato.signalling.request"), "sato");

        SatoReady ready = new SatoReady("s-1", "tcp", "10.0.0.2:5070");
        ControlMessage e = ready.toMessage();
        assertEquals(ControlMessage.event("sato.ready").with("sato", "s-1").with("transport", "tcp").with("address", "10.0.0.2:5070"), e);
        assertEquals(ready, SatoReady.from(e));
        SatoReady detour = new SatoReady("s-1", "tcp", "127.0.0.1:40001", "10.0.0.2:5070");
        assertEquals(ControlMessage.event("sato.ready").with("sato", "s-1").with("transport", "tcp")
                .with("address", "127.0.0.1:40001").with("peer", "10.0.0.2:5070"), detour.toMessage());
        assertEquals(detour, SatoReady.from(detour.toMessage()));
        assertEquals("missing transport reads as tcp", "tcp",
                SatoReady.from(ControlMessage.event("sato.ready").with("sato", "s").with("address", "h:1")).transport());
        rejects(SatoReady::from, ControlMessage.event("sato.ready").with("sato", "s"), "address");

        SatoFailed failed = new SatoFailed("s-1", "negotiation failed");
        assertEquals(failed, SatoFailed.from(failed.toMessage()));
        assertNull(SatoFailed.from(ControlMessage.event("sato.failed").with("sato", "s")).reason());
        rejects(SatoFailed::from, ControlMessage.event("sato.failed").with("reason", "r"), "sato");

        SatoTeardown down = new SatoTeardown("s-1", "BYE");
        assertEquals(req("sato.teardown").with("sato", "s-1").with("reason", "BYE"), down.toMessage());
        assertEquals(down, SatoTeardown.from(down.toMessage()));
        assertEquals(req("sato.teardown").with("sato", "s-1"), new SatoTeardown("s-1", null).toMessage());
        rejects(SatoTeardown::from, req("sato.teardown"), "sato");
    }

    @Test
    public void mediaSato() throws Exception {
        MediaSatoRequest r = new MediaSatoRequest("c1", 0, "audio", "s-1");
        assertEquals(req("sato.media.request").with("call", "c1").with("stream", 0).with("media", "audio").with("signalling", "s-1"),
                r.toMessage());
        assertEquals(r, MediaSatoRequest.from(r.toMessage()));
        MediaSatoRequest noSignalling = new MediaSatoRequest("c1", 1, "video", null);
        assertEquals(noSignalling, MediaSatoRequest.from(noSignalling.toMessage()));
        rejects(MediaSatoRequest::from, req("sato.media.request").with("call", "c1").with("media", "audio"), "stream");
        rejects(MediaSatoRequest::from, req("sato.media.request").with("call", "c1").with("stream", -1).with("media", "audio"), "stream");

        MediaSatoAnswer a = new MediaSatoAnswer("m-1", "10.0.0.1:30000", "10.0.0.1:30001", "10.0.0.3:31000", "10.0.0.3:31000");
        ControlMessage am = a.answer(r.toMessage());
        assertEquals(answerTo("sato.media.request").with("sato", "m-1").with("ua", "10.0.0.1:30000").with("ua.rtcp", "10.0.0.1:30001")
                .with("overlay", "10.0.0.3:31000").with("overlay.rtcp", "10.0.0.3:31000"), am);
        assertEquals(a, MediaSatoAnswer.from(am));
        MediaSatoAnswer om = new MediaSatoAnswer("m-2", "10.0.0.1:30000", "10.0.0.1:31002");
        assertEquals(answerTo("sato.media.request").with("sato", "m-2").with("ua", "10.0.0.1:30000").with("overlay", "10.0.0.1:31002"),
                om.answer(r.toMessage()));
        assertEquals(om, MediaSatoAnswer.from(om.answer(r.toMessage())));
        rejects(MediaSatoAnswer::from, answerTo("sato.media.request").with("sato", "m").with("ua", "h:1"), "overlay");

        MediaSatoConnect c = new MediaSatoConnect("m-1", "10.0.0.2:32000", "10.0.0.2:32000", "192.168.1.5:4000", "192.168.1.5:4001");
        assertEquals(req("sato.media.connect").with("sato", "m-1").with("remote", "10.0.0.2:32000").with("remote.rtcp", "10.0.0.2:32000")
                .with("ua", "192.168.1.5:4000").with("ua.rtcp", "192.168.1.5:4001"), c.toMessage());
        assertEquals(c, MediaSatoConnect.from(c.toMessage()));
        MediaSatoConnect uaOnly = new MediaSatoConnect("m-1", null, null, "192.168.1.5:4000", null);
        assertEquals(uaOnly, MediaSatoConnect.from(uaOnly.toMessage()));
        rejects(MediaSatoConnect::from, req("sato.media.connect").with("remote", "h:1"), "sato");
    }

    // ---- RTP-Port ---------------------------------------------------------------------------------

    @Test
    public void rtpAllocate() throws Exception {
        RtpAllocate endpoint = RtpAllocate.endpoint("call-1", "udp");
        assertEquals(req("rtp.allocate").with("session", "call-1").with("role", "endpoint").with("transport", "udp"),
                endpoint.toMessage());
        assertEquals(endpoint, RtpAllocate.from(endpoint.toMessage()));

        RtpAllocate relay = RtpAllocate.relay("call-1", "tcp", "udp");
        assertEquals(req("rtp.allocate").with("session", "call-1").with("role", "relay").with("transport_a", "tcp")
                .with("transport_b", "udp"), relay.toMessage());
        assertEquals(relay, RtpAllocate.from(relay.toMessage()));
        assertEquals("tcp", relay.transportOf("a"));
        assertEquals("udp", relay.transportOf("b"));

        RtpAllocate full = RtpAllocate.endpoint("om-rtp-port-1", "udp").withSato("N1-m1").withExtra("call", "c1@h")
                .withIdleTimeout(Duration.ofMillis(2500));
        ControlMessage m = full.toMessage();
        assertEquals("2.5", m.get("idle_timeout"));
        assertEquals("N1-m1", m.get("sato"));
        assertEquals("c1@h", m.get("call"));
        assertEquals(full, RtpAllocate.from(m));
        assertEquals("4", RtpAllocate.session("s").withIdleTimeout(Duration.ofSeconds(4)).toMessage().get("idle_timeout"));
        RtpAllocate bare = RtpAllocate.from(req("rtp.allocate").with("session", "x"));
        assertNull(bare.role());
        assertEquals("endpoint", bare.roleOrDefault());
        assertEquals("udp", bare.transportOf("overlay"));

        rejects(RtpAllocate::from, req("rtp.allocate"), "session");
        rejects(RtpAllocate::from, req("rtp.allocate").with("session", "x").with("role", "mixer"), "role");
        rejects(RtpAllocate::from, req("rtp.allocate").with("session", "x").with("idle_timeout", "soon"), "idle_timeout");
        rejects(RtpAllocate::from, req("rtp.allocate").with("session", "x").with("idle_timeout", "0"), "idle_timeout");
    }

    private static RtpLeg leg(String name, String... kv) {
        Map<String, String> f = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            f.put(kv[i], kv[i + 1]);
        }
        return new RtpLeg(name, f);
    }

    @Test
    public void rtpAllocateAnswer() throws Exception {
        RtpAllocateAnswer a = new RtpAllocateAnswer("call-1", "endpoint", "127.0.0.1", List.of(
                leg("ua", "transport", "udp", "rtp", "30000", "rtcp", "30001"),
                leg("overlay", "transport", "udp", "port", "30002")));
        ControlMessage m = a.answer(RtpAllocate.endpoint("call-1", "udp").toMessage());
        assertEquals(answerTo("rtp.allocate").with("session", "call-1").with("role", "endpoint").with("address", "127.0.0.1")
                .with("leg", "ua").with("leg", "overlay")
                .with("ua.transport", "udp").with("ua.rtp", "30000").with("ua.rtcp", "30001").with("rtp", "30000").with("rtcp", "30001")
                .with("overlay.transport", "udp").with("overlay.port", "30002"), m);
        RtpAllocateAnswer back = RtpAllocateAnswer.from(m);
        assertEquals(a, back);
        assertEquals(30000, back.leg("ua").rtp());
        assertEquals(30001, back.leg("ua").rtcp());
        assertEquals(30002, back.leg("overlay").port());
        assertEquals(List.of("ua", "overlay"), back.legNames());
        assertNull(back.leg("a"));
        rejects(RtpAllocateAnswer::from, answerTo("rtp.allocate").with("session", "s").with("role", "relay"), "address");
    }

    @Test
    public void rtpConnectAndUpdate() throws Exception {
        RtpConnect c = RtpConnect.of("s", "ua", RtpConnect.PASSIVE, "192.168.1.5:4000").withRemoteRtcp("192.168.1.5:4001")
                .withKeepalive(Duration.ZERO).withClockRate(48000);
        assertEquals(req("rtp.connect").with("session", "s").with("leg", "ua").with("mode", "passive").with("remote", "192.168.1.5:4000")
                .with("remote_rtcp", "192.168.1.5:4001").with("keepalive", "0").with("clock_rate", 48000), c.toMessage());
        assertEquals(c, RtpConnect.from(c.toMessage()));
        assertEquals(Duration.ofMillis(500),
                RtpConnect.from(RtpConnect.of("s", "b", "active", "h:1").withKeepalive(Duration.ofMillis(500)).toMessage()).keepalive());
        assertEquals("0.5", RtpConnect.of("s", "b", "active", "h:1").withKeepalive(Duration.ofMillis(500)).toMessage().get("keepalive"));
        rejects(RtpConnect::from, req("rtp.connect").with("session", "s").with("leg", "overlay").with("mode", "passive"), "remote");
        rejects(RtpConnect::from, req("rtp.connect").with("session", "s").with("leg", "o").with("remote", "any").with("keepalive", "-1"),
                "keepalive");
        rejects(RtpConnect::from, req("rtp.connect").with("session", "s").with("leg", "o").with("remote", "any").with("mode", "sideways"),
                "mode");
        rejects(RtpConnect::from, req("rtp.connect").with("leg", "o").with("remote", "any"), "session");

        RtpUpdate u = RtpUpdate.of("r1", "a").withRelatch(true);
        assertEquals(req("rtp.update").with("session", "r1").with("leg", "a").with("relatch", "true"), u.toMessage());
        assertEquals(u, RtpUpdate.from(u.toMessage()));
        RtpUpdate all = RtpUpdate.of("r1", "b").withMode("active").withRemote("10.0.0.2:4000").withKeepalive(Duration.ofSeconds(5))
                .withClockRate(8000);
        assertEquals(all, RtpUpdate.from(all.toMessage()));
        assertFalse(RtpUpdate.from(RtpUpdate.of("r1", "a").toMessage()).relatch());
        rejects(RtpUpdate::from, req("rtp.update").with("session", "s").with("leg", "ua").with("clock_rate", "12"), "clock_rate");
        rejects(RtpUpdate::from, req("rtp.update").with("session", "s").with("leg", "ua").with("relatch", "maybe"), "relatch");
        rejects(RtpUpdate::from, req("rtp.update").with("session", "s"), "leg");
    }

    @Test
    public void rtpConnectAnswer() throws Exception {
        Map<String, String> legFields = new LinkedHashMap<>();
        legFields.put("transport", "udp");
        legFields.put("mode", "active");
        legFields.put("state", "connected");
        legFields.put("remote", "127.0.0.1:5000");
        legFields.put("port", "30002");
        legFields.put("packets_in", "0");
        legFields.put("rtp_lost", "0");
        legFields.put("jitter_ms", "0.000");
        legFields.put("clock_rate", "8000");
        RtpConnectAnswer a = RtpConnectAnswer.of("s", "overlay", legFields);
        ControlMessage request = RtpConnect.of("s", "overlay", "active", "127.0.0.1:5000").toMessage();
        ControlMessage m = a.answer(request);
        assertEquals(answerTo("rtp.connect").with("session", "s").with("leg", "overlay").with("transport", "udp").with("mode", "active")
                .with("state", "connected").with("remote", "127.0.0.1:5000").with("port", "30002").with("packets_in", "0"), m);
        assertEquals(a, RtpConnectAnswer.from(m));
        assertEquals("connected", RtpConnectAnswer.from(m).state());
        assertEquals(a, RtpConnectAnswer.from(a.answer(RtpUpdate.of("s", "overlay").toMessage())));
        rejects(RtpConnectAnswer::from, answerTo("rtp.connect").with("session", "s"), "leg");
    }

    private static RtpSessionStats session(String id, String role) {
        return new RtpSessionStats(id, role, 1200, 30, List.of(
                leg(role.equals("relay") ? "a" : "ua", "state", "latched", "packets_in", "7"),
                leg(role.equals("relay") ? "b" : "overlay", "state", "connected", "packets_in", "5")));
    }

    @Test
    public void rtpStats() throws Exception {
        assertEquals(req("rtp.stats").with("session", "call-7"), RtpStats.of("call-7").toMessage());
        assertEquals(req("rtp.stats"), RtpStats.all().toMessage());
        assertEquals(req("rtp.stats").with("after", "p-010"), RtpStats.allAfter("p-010").toMessage());
        assertEquals(req("rtp.stats"), RtpStats.allAfter(null).toMessage());
        for (RtpStats s : List.of(RtpStats.of("call-7"), RtpStats.all(), RtpStats.allAfter("p-010"))) {
            assertEquals(s, RtpStats.from(s.toMessage()));
        }
        assertTrue(RtpStats.from(RtpStats.of("x").toMessage()).oneSession());
        assertEquals(RtpStats.all(), RtpStats.from(req("rtp.stats").with("session", "").with("after", "")));
        wrongType(RtpStats::from, req("rtp.release"), "rtp.stats");

        // only some counters of each leg (the media watch's reading)
        RtpStats few = RtpStats.all().onlyCounters(List.of("packets_in", "rtp_lost"));
        assertEquals(req("rtp.stats").with("counters", "packets_in,rtp_lost"), few.toMessage());
        assertEquals(few, RtpStats.from(few.toMessage()));
        assertEquals(List.of("jitter_ms"), RtpStats.from(req("rtp.stats").with("session", "s").with("counters", " jitter_ms")).counters());
        assertTrue(few.wants("rtp_lost"));
        assertFalse(few.wants("bytes_in"));
        assertTrue(RtpStats.all().wants("bytes_in"));
        assertNull(RtpStats.all().counters());
        rejects(RtpStats::from, req("rtp.stats").with("counters", "packets_in,,rtp_lost"), "counters");
        rejects(RtpStats::from, req("rtp.stats").with("counters", "c,".repeat(64) + "c"), "counters");
        assertEquals(64, RtpStats.from(req("rtp.stats").with("counters", "c,".repeat(63) + "c")).counters().size());

        RtpStatsAnswer one = new RtpStatsAnswer(session("call-7", "endpoint"));
        ControlMessage m = one.answer(RtpStats.of("call-7").toMessage());
        assertEquals(answerTo("rtp.stats").with("session", "call-7").with("role", "endpoint").with("age_ms", 1200).with("idle_ms", 30)
                .with("leg", "ua").with("leg", "overlay").with("ua.state", "latched").with("ua.packets_in", "7")
                .with("overlay.state", "connected").with("overlay.packets_in", "5"), m);
        assertEquals(one, RtpStatsAnswer.from(m));
        assertEquals(7, RtpStatsAnswer.from(m).leg("ua").count(Fields.PACKETS_IN));
        assertFalse(RtpStatsPage.isPage(m));
        rejects(RtpStatsAnswer::from, answerTo("rtp.stats").with("session", "s").with("role", "relay").with("age_ms", "old")
                .with("idle_ms", 1), "age_ms");
    }

    @Test
    public void rtpStatsPage() throws Exception {
        RtpStatsPage page = RtpStatsPage.of(List.of(session("p-1", "relay"), session("p-2", "endpoint")), true);
        ControlMessage m = page.answer(RtpStats.all().toMessage());
        assertTrue(RtpStatsPage.isPage(m));
        assertEquals("2", m.get("sessions"));
        assertEquals("true", m.get("more"));
        assertEquals("p-2", m.get("next_after"));
        assertEquals(List.of("p-1", "p-2"), m.getAll("session"));
        assertEquals("relay", m.get("p-1:role"));
        assertEquals(List.of("a", "b"), m.getAll("p-1:leg"));
        assertEquals("7", m.get("p-1:a.packets_in"));
        assertEquals("5", m.get("p-2:overlay.packets_in"));
        RtpStatsPage back = RtpStatsPage.from(m);
        assertEquals(page, back);
        assertEquals(List.of("p-1", "p-2"), back.ids());
        assertEquals("latched", back.session("p-1").leg("a").state());

        RtpStatsPage last = RtpStatsPage.of(List.of(session("p-3", "relay")), false);
        ControlMessage lm = last.answer(RtpStats.allAfter("p-2").toMessage());
        assertNull(lm.get("next_after"));
        assertEquals("false", lm.get("more"));
        assertEquals(last, RtpStatsPage.from(lm));
        assertEquals(new RtpStatsPage(List.of()), RtpStatsPage.from(RtpStatsPage.of(List.of(), false).answer(RtpStats.all().toMessage())));

        // the bytes a session adds to a page: its session field plus its prefixed fields
        RtpSessionStats s = session("p-1", "relay");
        ControlMessage alone = RtpStatsPage.of(List.of(s), false).answer(RtpStats.all().toMessage());
        ControlMessage empty = RtpStatsPage.of(List.of(), false).answer(RtpStats.all().toMessage());
        assertEquals(fieldBytes(alone) - fieldBytes(empty), RtpStatsPage.sizeOf(s));
        RtpSessionStats wide = new RtpSessionStats("anruf-ä€", "endpoint", 123_456_789_012L, 0,
                List.of(new RtpLeg("ua", Map.of("remote", "café:5004")), new RtpLeg("overlay", Map.of())));
        ControlMessage wideAlone = RtpStatsPage.of(List.of(wide), false).answer(RtpStats.all().toMessage());
        assertEquals(fieldBytes(wideAlone) - fieldBytes(empty), RtpStatsPage.sizeOf(wide));

        // a full page (hundreds of sessions, ids with the separator in them) comes back whole, field for field
        List<RtpSessionStats> many = new java.util.ArrayList<>();
        for (int i = 0; i < 400; i++) {
            many.add(session((i % 2 == 0 ? "call:" : "p-") + i, i % 3 == 0 ? "relay" : "endpoint"));
        }
        RtpStatsPage full = RtpStatsPage.of(many, true);
        ControlMessage fm = full.answer(RtpStats.all().toMessage());
        assertEquals(full, RtpStatsPage.from(fm));
        assertEquals("latched", RtpStatsPage.from(fm).session("call:398").leg("ua").state());
        rejects(RtpStatsPage::from, answerTo("rtp.stats").with("sessions", 1).with("session", "s:1").with("s:1:role", "relay")
                .with("s:1:idle_ms", 1), "s:1:age_ms");
        rejects(RtpStatsPage::from, answerTo("rtp.stats").with("sessions", 2).with("session", "p-1"), "sessions");
        rejects(RtpStatsPage::from, answerTo("rtp.stats").with("sessions", 0).with("more", true), "next_after");
    }

    private static int fieldBytes(ControlMessage m) {
        int n = 0;
        for (Map.Entry<String, String> f : m.fields()) {
            n += 4 + f.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                    + f.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        }
        return n;
    }

    @Test
    public void rtpRelease() throws Exception {
        RtpRelease r = new RtpRelease("call-1");
        assertEquals(req("rtp.release").with("session", "call-1"), r.toMessage());
        assertEquals(r, RtpRelease.from(r.toMessage()));
        rejects(RtpRelease::from, req("rtp.release"), "session");

        RtpReleaseAnswer a = new RtpReleaseAnswer("call-1", true);
        ControlMessage m = a.answer(r.toMessage());
        assertEquals(answerTo("rtp.release").with("session", "call-1").with("released", "true"), m);
        assertEquals(a, RtpReleaseAnswer.from(m));
        rejects(RtpReleaseAnswer::from, answerTo("rtp.release").with("session", "call-1"), "released");
    }

    @Test
    public void rtpEvents() throws Exception {
        RtpLegFailed f = new RtpLegFailed("tcp-1", "a", "connection ended inside an RFC 4571 frame");
        ControlMessage m = f.toMessage();
        assertEquals(ControlMessage.Kind.EVENT, m.kind());
        assertEquals(ControlMessage.event("rtp.leg.failed").with("session", "tcp-1").with("leg", "a")
                .with("reason", "connection ended inside an RFC 4571 frame"), m);
        assertEquals(f, RtpLegFailed.from(m));
        rejects(RtpLegFailed::from, ControlMessage.event("rtp.leg.failed").with("session", "s").with("reason", "r"), "leg");

        RtpSessionReleased r = new RtpSessionReleased("quiet", "idle: no packets for 60 s");
        assertEquals(ControlMessage.event("rtp.session.released").with("session", "quiet").with("reason", "idle: no packets for 60 s"),
                r.toMessage());
        assertEquals(r, RtpSessionReleased.from(r.toMessage()));
        rejects(RtpSessionReleased::from, ControlMessage.event("rtp.session.released").with("session", "s"), "reason");
    }

    // ---- any SATO-Port, and the management socket -------------------------------------------------

    @Test
    public void portStatusAndShutdown() throws Exception {
        assertEquals(req("port.status"), new PortStatus().toMessage());
        assertEquals(new PortStatus(), PortStatus.from(new PortStatus().toMessage()));
        wrongType(PortStatus::from, req("port.shutdown"), "port.status");
        assertEquals(req("port.shutdown"), new PortShutdown().toMessage());
        assertEquals(new PortShutdown(), PortShutdown.from(new PortShutdown().toMessage()));
        wrongType(PortShutdown::from, req("port.status"), "port.shutdown");

        ControlMessage stopping = PortShutdownAnswer.stopping().answer(new PortShutdown().toMessage());
        assertEquals(answerTo("port.shutdown").with("state", "stopping"), stopping);
        assertEquals(PortShutdownAnswer.stopping(), PortShutdownAnswer.from(stopping));
        assertNull(PortShutdownAnswer.from(answerTo("port.shutdown")).state());
        wrongType(PortShutdownAnswer::from, answerTo("port.status"), "port.shutdown");
    }

    @Test
    public void rtpPortStatus() throws Exception {
        RtpPortStatus st = new RtpPortStatus("ctl", "127.0.0.1", 2, 1, 1, 40000, 40199, 195, 1000, 97, true, "udp,tcp", 1, 10, 0, 5);
        ControlMessage m = st.answer(new PortStatus().toMessage());
        assertEquals(answerTo("port.status").with("name", "ctl").with("address", "127.0.0.1").with("sessions", 2)
                .with("relay_sessions", 1).with("endpoint_sessions", 1).with("ports", "40000-40199").with("ports_free", 195)
                .with("max_sessions", 1000).with("capacity", 97).with("relay", "true").with("transports", "udp,tcp")
                .with("workers", 1).with("packets_forwarded", 10).with("drops", 0).with("wakeups", 5), m);
        assertEquals(st, RtpPortStatus.from(m));
        rejects(RtpPortStatus::from, answerTo("port.status").with("name", "x").with("address", "h").with("sessions", 0)
                .with("ports", "low-high"), "ports");
        rejects(RtpPortStatus::from, answerTo("port.status").with("name", "x"), "ports");
    }

    @Test
    public void p2psipPortStatus() throws Exception {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("name", "sip-1");
        fields.put("ua", "10.0.0.1:5060");
        fields.put("ua.transports", "udp,tcp");
        fields.put("overlay", "10.0.0.1:5070");
        fields.put("overlay.bound", "0.0.0.0:5070");
        fields.put("sdp.rewrite", "on");
        fields.put("users", "3");
        fields.put("calls", "1");
        P2psipPortStatus st = P2psipPortStatus.of(fields);
        ControlMessage m = st.answer(new PortStatus().toMessage());
        ControlMessage expected = answerTo("port.status");
        for (Map.Entry<String, String> f : fields.entrySet()) {
            expected = expected.with(f.getKey(), f.getValue());
        }
        assertEquals(expected, m);
        P2psipPortStatus back = P2psipPortStatus.from(m);
        assertEquals(st, back);
        assertEquals("10.0.0.1:5070", back.overlayListener("tcp"));
        assertNull(back.overlayListener("tls"));
        assertEquals(3, back.counter(Fields.USERS, -1));
        // the test stand-in's answer: only overlay.tcp
        P2psipPortStatus standIn = P2psipPortStatus.from(answerTo("port.status").with("overlay.tcp", "127.0.0.1:7000"));
        assertEquals("127.0.0.1:7000", standIn.overlayListener("tcp"));
        assertNull(standIn.name());
        wrongType(P2psipPortStatus::from, answerTo("peer.status"), "port.status");
    }

    @Test
    public void viewWatchAndViewSip() throws Exception {
        ViewWatch on = new ViewWatch(true);
        assertEquals(req("view.watch").with("on", "true"), on.toMessage());
        assertEquals(on, ViewWatch.from(on.toMessage()));
        assertEquals(new ViewWatch(false), ViewWatch.from(new ViewWatch(false).toMessage()));
        rejects(ViewWatch::from, req("view.watch"), "on");
        rejects(ViewWatch::from, req("view.watch").with("on", "maybe"), "on");

        ViewSip sip = new ViewSip("c-1@h", "in", "ua", "INVITE", "1 INVITE", "INVITE sip:bob@p2psip SIP/2.0", 1_765_000_000_123_456L);
        ControlMessage m = sip.toMessage();
        assertEquals(ControlMessage.event("view.sip").with("call", "c-1@h").with("direction", "in").with("side", "ua")
                .with("start", "INVITE").with("cseq", "1 INVITE").with("text", "INVITE sip:bob@p2psip SIP/2.0")
                .with("at-us", "1765000000123456"), m);
        assertEquals(sip, ViewSip.from(m));
        rejects(ViewSip::from, ControlMessage.event("view.sip").with("call", "c").with("direction", "in").with("side", "ua")
                .with("start", "BYE").with("at-us", "soon"), "at-us");
        long before = ViewSip.nowMicros();
        ViewSip undated = ViewSip.from(ControlMessage.event("view.sip").with("call", "c").with("direction", "in").with("side", "ua")
                .with("start", "BYE"));
        assertTrue("a port that does not say when: when it arrived", undated.atMicros() >= before);
        rejects(ViewSip::from, ControlMessage.event("view.sip").with("direction", "in").with("side", "ua").with("start", "BYE"), "call");
        rejects(ViewSip::from, ControlMessage.event("view.sip").with("call", "c").with("direction", "sideways").with("side", "ua")
                .with("start", "BYE"), "direction");
        rejects(ViewSip::from, ControlMessage.event("view.sip").with("call", "c").with("direction", "out").with("side", "moon")
                .with("start", "BYE"), "side");
        assertEquals("a long message is cut", ViewSip.MAX_TEXT,
                new ViewSip("c", "out", "overlay", "200 OK", "1 INVITE", "x".repeat(10_000)).text().length());
    }

    @Test
    public void peerStatus() throws Exception {
        assertEquals(req("peer.status"), new PeerStatus().toMessage());
        assertEquals(MessageTypes.PEER_STATUS, new PeerStatus().toMessage().type());
        assertEquals(new PeerStatus(), PeerStatus.from(new PeerStatus().toMessage()));
        PeerStatusAnswer a = new PeerStatusAnswer("relay", "ab12", "http://10.0.0.3:8080/om", false, "10.0.0.3:4000", 2, null, null,
                "10.0.0.3:3478", List.of(new PeerStatusAnswer.TcpRelayAllocation("peer-b-sip", "10.0.0.3:40001", 3, 1, 1000, 2000, true)));
        ControlMessage m = a.answer(new PeerStatus().toMessage());
        assertEquals(answerTo("peer.status").with("name", "relay").with("node", "ab12").with("om", "http://10.0.0.3:8080/om")
                .with("nat", "off").with("lookup", "10.0.0.3:4000").with("satos", 2).with("tcp-relay", "10.0.0.3:3478")
                .with("tcp-relay.peer-b-sip.address", "10.0.0.3:40001").with("tcp-relay.peer-b-sip.accepted", 3)
                .with("tcp-relay.peer-b-sip.active", 1).with("tcp-relay.peer-b-sip.bytes_in", 1000)
                .with("tcp-relay.peer-b-sip.bytes_out", 2000).with("tcp-relay.peer-b-sip.open", true), m);
        assertEquals(a, PeerStatusAnswer.from(m));
        PeerStatusAnswer natted = new PeerStatusAnswer("peer-a", "cd34", "http://10.1.0.2:8080/om", true,
                "10.0.0.3:4000 (as a client, not a ring member)", 0, "10.0.0.3:40000", "10.0.0.3:40001", null, List.of());
        assertEquals(natted, PeerStatusAnswer.from(natted.answer(new PeerStatus().toMessage())));
        assertEquals(null, PeerStatusAnswer.from(natted.answer(new PeerStatus().toMessage())).ring());
        PeerStatusAnswer member = new PeerStatusAnswer("p1", "ef56", "http://10.0.0.4:8080/om", false, "10.0.0.4:4000", 0, null,
                null, null, List.of(), new PeerStatusAnswer.Ring(12, true, 1700000000123L, 2));
        ControlMessage rm = member.answer(new PeerStatus().toMessage());
        assertEquals("12", rm.get("ring.size"));
        assertEquals("true", rm.get("ring.exact"));
        assertEquals("1700000000123", rm.get("ring.last_merge"));
        assertEquals("2", rm.get("ring.merges"));
        assertEquals(member, PeerStatusAnswer.from(rm));
        rejects(PeerStatusAnswer::from, answerTo("peer.status").with("name", "x").with("node", "n").with("om", "o").with("nat", "on")
                .with("lookup", "l").with("satos", 0).with("ring.size", 3).with("ring.merges", 1), "ring.last_merge");
        rejects(PeerStatusAnswer::from, answerTo("peer.status").with("name", "x").with("node", "n").with("om", "o").with("nat", "on")
                .with("lookup", "l").with("satos", 0).with("ring.size", -3).with("ring.last_merge", 0).with("ring.merges", 1),
                "ring.size");
        rejects(PeerStatusAnswer::from, answerTo("peer.status").with("name", "x").with("node", "n").with("om", "o").with("nat", "maybe")
                .with("lookup", "l").with("satos", 0), "nat");
        rejects(PeerStatusAnswer::from, answerTo("peer.status").with("name", "x").with("node", "n").with("om", "o").with("nat", "on")
                .with("lookup", "l"), "satos");
    }

    @Test
    public void constructorsRefuseMissingMandatoryFields() {
        for (Runnable r : List.<Runnable>of(() -> new UserLookup(""), () -> new SignallingSatoRequest("c", null),
                () -> new RtpRelease(null), () -> RtpConnect.of("s", "ua", null, null), () -> new SatoTeardown("", "r"))) {
            try {
                r.run();
                fail("accepted");
            } catch (IllegalArgumentException expected) {
                // the message names the field
                assertFalse(expected.getMessage().isEmpty());
            }
        }
    }

    /** 200 padded records (about 100 KiB) answer within one 64 KiB frame: the asking peer's own kept, the rest cut and counted. */
    @Test
    public void aLookupAnswerTooLargeForOneFrameIsTruncatedWithAnIndication() throws Exception {
        List<String> peers = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
            peers.add("N" + i + "@10.0.0.1:7070;pad=" + "x".repeat(480));
        }
        String self = peers.get(199);
        org.p2psip.control.ControlMessage m = new UserLookupAnswer(peers, List.of(self)).answer(req("user.lookup").with("user", "bob"));
        java.nio.ByteBuffer frame = new org.p2psip.control.FrameCodec(org.p2psip.control.FrameCodec.DEFAULT_MAX_FRAME).encode(m);
        assertTrue("fits one frame: " + frame.remaining(), frame.remaining() <= org.p2psip.control.FrameCodec.DEFAULT_MAX_FRAME + 4);
        UserLookupAnswer read = UserLookupAnswer.from(m);
        assertTrue("the asking peer's own record is kept", read.isSelf(self) && read.peers().contains(self));
        assertEquals(200, read.peers().size() + read.truncated());
        assertTrue("some cut: " + read.truncated(), read.truncated() > 50);

        org.p2psip.control.ControlMessage g = new LookupGetAnswer(peers).answer(req("lookup.get").with("key", "user:bob"));
        new org.p2psip.control.FrameCodec(org.p2psip.control.FrameCodec.DEFAULT_MAX_FRAME).encode(g);
        assertEquals(200, g.getAll("value").size() + Integer.parseInt(g.get("truncated")));
    }
}
