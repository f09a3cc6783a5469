package org.p2psip.sip.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.p2psip.control.ControlClient;
import org.p2psip.control.ControlConnection;
import org.p2psip.control.ControlException;
import org.p2psip.control.ControlHandler;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.ErrorCode;
import org.p2psip.control.MessageTypes;
import org.p2psip.control.message.MediaSatoAnswer;
import org.p2psip.control.message.MediaSatoConnect;
import org.p2psip.control.message.MediaSatoRequest;
import org.p2psip.control.message.PortStatus;
import org.p2psip.control.message.SatoFailed;
import org.p2psip.control.message.SatoReady;
import org.p2psip.control.message.SatoTeardown;
import org.p2psip.control.message.SignallingSatoAnswer;
import org.p2psip.control.message.SignallingSatoRequest;
import org.p2psip.control.message.UserDeregister;
import org.p2psip.control.message.UserLookup;
import org.p2psip.control.message.UserLookupAnswer;
import org.p2psip.control.message.UserRegister;
import org.p2psip.lookup.LookupService;

/**
 * A small real Overlay Manager for one P2PSIP-Port in tests: it connects to the port's control
 * socket and answers what the port asks. User records go into a real lookup service (a Chord ring
 * node): key {@code user:<user>}, value this peer's record. A signalling SATO request is answered
 * with an id and then {@code sato.ready} naming the far P2PSIP-Port's overlay listener; media
 * requests get plausible RTP-Port addresses from a per-peer port range. Everything the port asks is
 * recorded for the tests' assertions.
 */
public final class TestPeerOm implements ControlHandler, AutoCloseable {
    public static final String KEY_PREFIX = "user:";

    private final TestOverlay overlay;
    private final String record;
    private final LookupService lookup;
    private final int mediaBase;
    private final AtomicInteger ids = new AtomicInteger();
    private final AtomicInteger mediaPorts = new AtomicInteger();
    private ControlClient client;

    /** Signalling SATOs granted and not yet torn down, by id -> call. */
    public final Map<String, String> activeSatos = new ConcurrentHashMap<>();
    /** Every SATO (signalling and media) torn down. */
    public final Set<String> tornDown = ConcurrentHashMap.newKeySet();
    /** Media SATOs granted: id -> "ua=HOST:PORT overlay=HOST:PORT". */
    public final Map<String, String[]> media = new ConcurrentHashMap<>();
    /** Every sato.media.connect received. */
    public final List<MediaSatoConnect> mediaConnects = new CopyOnWriteArrayList<>();
    /** Every user.register received. */
    public final List<UserRegister> registrations = new CopyOnWriteArrayList<>();
    /** SATO ids (signalling and media) by call. */
    public final Map<String, List<String>> satosByCall = new ConcurrentHashMap<>();
    /** Every request received, in order. */
    public final List<ControlMessage> received = new CopyOnWriteArrayList<>();
    /** The {@code view.sip} events the port told (only while {@link #watchView} is on). */
    public final List<org.p2psip.control.message.ViewSip> viewSip = new CopyOnWriteArrayList<>();
    /** Requests received, by type (always counted). */
    private final Map<String, java.util.concurrent.atomic.LongAdder> counts = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.LongAdder signallingTornDown = new java.util.concurrent.atomic.LongAdder();
    /**
     * Whether every request, SATO and media connect is kept for assertions (tests); the benchmark turns
     * it off and keeps counters only, so that the stand-in costs nothing that grows with the load.
     */
    public volatile boolean recordAll = true;
    public volatile boolean failRegistrations;
    public volatile boolean failSatos;
    /** Non-null: a lookup that finds nobody answers PEER_UNREACHABLE with this text (the ring is cut off, as the real OM says). */
    public volatile String partitioned;

    private TestPeerOm(TestOverlay overlay, String record, LookupService lookup, int mediaBase) {
        this.overlay = overlay;
        this.record = record;
        this.lookup = lookup;
        this.mediaBase = mediaBase;
    }

    static TestPeerOm connect(TestOverlay overlay, String record, Path socket, LookupService lookup, int mediaBase)
            throws ControlException {
        TestPeerOm om = new TestPeerOm(overlay, record, lookup, mediaBase);
        om.client = ControlClient.connect(socket, "om", "test-om-" + record, om, Duration.ofSeconds(10));
        return om;
    }

    public String record() {
        return record;
    }

    /** The RTP-Port UA-facing RTP address handed out for the {@code n}-th media request (0-based). */
    public String uaMediaAddress(int n) {
        return "127.0.0.1:" + port(n, 0);
    }

    /** Ports cycle through 2,000 sessions of 4 ports each above the peer's base (long benchmark runs). */
    private int port(int n, int offset) {
        return mediaBase + 4 * (n % 2000) + offset;
    }

    /** The RTP-Port overlay-facing RTP address handed out for the {@code n}-th media request (0-based). */
    public String overlayMediaAddress(int n) {
        return "127.0.0.1:" + port(n, 2);
    }

    public int mediaRequests() {
        return mediaPorts.get();
    }

    public long count(String type) {
        java.util.concurrent.atomic.LongAdder n = counts.get(type);
        return n == null ? 0 : n.sum();
    }

    /** Signalling SATOs torn down so far. */
    public long signallingTornDown() {
        return signallingTornDown.sum();
    }

    @Override
    public ControlMessage onRequest(ControlConnection from, ControlMessage req) throws ControlException {
        counts.computeIfAbsent(req.type(), k -> new java.util.concurrent.atomic.LongAdder()).increment();
        boolean keep = recordAll;
        if (keep) {
            received.add(req);
        }
        switch (req.type()) {
            case MessageTypes.USER_REGISTER: {
                UserRegister r = UserRegister.from(req);
                if (keep) {
                    registrations.add(r);
                }
                if (failRegistrations) {
                    throw new ControlException(ErrorCode.UNAVAILABLE, "lookup service unreachable (test)");
                }
                await(lookup.put(KEY_PREFIX + r.user(), record, r.ttlSeconds()));
                return ControlMessage.responseTo(req);
            }
            case MessageTypes.USER_DEREGISTER:
                await(lookup.remove(KEY_PREFIX + UserDeregister.from(req).user(), record));
                return ControlMessage.responseTo(req);
            case MessageTypes.USER_LOOKUP: {
                List<String> peers = await(lookup.get(KEY_PREFIX + UserLookup.from(req).user()));
                String cut = partitioned;
                if (peers.isEmpty() && cut != null) {
                    throw new ControlException(org.p2psip.control.ErrorCode.PEER_UNREACHABLE, cut);
                }
                return new UserLookupAnswer(peers, peers.contains(record) ? List.of(record) : List.of()).answer(req);
            }
            case MessageTypes.SATO_SIGNALLING_REQUEST: {
                SignallingSatoRequest r = SignallingSatoRequest.from(req);
                String id = record + "-sig-" + ids.incrementAndGet();
                if (keep) {
                    activeSatos.put(id, r.call());
                    satosByCall.computeIfAbsent(r.call(), k -> new CopyOnWriteArrayList<>()).add(id);
                }
                String address = overlay.overlayAddresses.get(r.peer());
                // the event may overtake the answer: the port keeps early events
                CompletableFuture.runAsync(() -> {
                    try {
                        if (failSatos || address == null) {
                            activeSatos.remove(id);
                            client.sendEvent(new SatoFailed(id, address == null ? "unknown peer " + r.peer()
                                    : "negotiation failed (test)").toMessage());
                        } else {
                            client.sendEvent(new SatoReady(id, SatoReady.TCP, address).toMessage());
                        }
                    } catch (ControlException e) {
                        // the port went away
                    }
                });
                return new SignallingSatoAnswer(id).answer(req);
            }
            case MessageTypes.SATO_MEDIA_REQUEST: {
                String call = MediaSatoRequest.from(req).call();
                int n = mediaPorts.getAndIncrement();
                String id = record + "-media-" + ids.incrementAndGet();
                if (keep) {
                    satosByCall.computeIfAbsent(call, k -> new CopyOnWriteArrayList<>()).add(id);
                    media.put(id, new String[] {uaMediaAddress(n), overlayMediaAddress(n)});
                }
                return new MediaSatoAnswer(id, uaMediaAddress(n), "127.0.0.1:" + port(n, 1), overlayMediaAddress(n),
                        "127.0.0.1:" + port(n, 3)).answer(req);
            }
            case MessageTypes.SATO_MEDIA_CONNECT: {
                MediaSatoConnect c = MediaSatoConnect.from(req);
                if (c.remote() == null || c.ua() == null) {
                    throw new ControlException(ErrorCode.BAD_REQUEST, "sato.media.connect without remote or ua (test)");
                }
                if (keep) {
                    mediaConnects.add(c);
                }
                return ControlMessage.responseTo(req);
            }
            case MessageTypes.SATO_TEARDOWN: {
                String id = SatoTeardown.from(req).sato();
                if (id.contains("-sig-")) {
                    signallingTornDown.increment();
                }
                activeSatos.remove(id);
                if (keep) {
                    tornDown.add(id);
                }
                return ControlMessage.responseTo(req);
            }
            default:
                throw ControlHandler.unknownType(req);
        }
    }

    private static <T> T await(CompletableFuture<T> f) throws ControlException {
        try {
            return f.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new ControlException(ErrorCode.UNAVAILABLE, "lookup service: " + e);
        }
    }

    /** Sends {@code port.status} to the port. */
    public ControlMessage status() throws ControlException {
        return client.call(new PortStatus().toMessage());
    }

    public List<String> torn() {
        return new ArrayList<>(tornDown);
    }

    /** The SATOs (signalling and media) granted for {@code call}. */
    public List<String> satos(String call) {
        return satosByCall.getOrDefault(call, List.of());
    }

    /** Asks the port to tell ({@code on}) or stop telling the SIP messages of calls ({@code view.watch}). */
    public void watchView(boolean on) throws ControlException {
        client.call(new org.p2psip.control.message.ViewWatch(on).toMessage());
    }

    @Override
    public void onEvent(ControlConnection from, ControlMessage event) {
        if (MessageTypes.VIEW_SIP.equals(event.type())) {
            try {
                viewSip.add(org.p2psip.control.message.ViewSip.from(event));
            } catch (ControlException e) {
                throw new AssertionError("malformed view.sip: " + e.getMessage());
            }
        }
    }

    /** The calls this OM granted SATOs for. */
    public Set<String> calls() {
        return satosByCall.keySet();
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
    }
}
