package org.p2psip.om.sato;

import org.p2psip.om.CallSteps;
import java.util.Set;
import org.p2psip.control.ControlConnection;
import org.p2psip.control.ControlException;
import org.p2psip.control.ControlHandler;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.ErrorCode;
import org.p2psip.control.MessageTypes;
import org.p2psip.lookup.LookupService;
import org.p2psip.om.OverlayManager;
import org.p2psip.om.records.PeerRecord;
import org.p2psip.om.records.RelayDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Overlay Manager's side of its P2PSIP-Port's control requests (paper Sec. 5.1.1 and 5.2), each
 * handed to the class that does it: user records ({@link UserRecords}), the signalling SATO
 * ({@link SignallingSatos}), media SATOs ({@link MediaSatos}), teardown ({@link SatoTeardown}).
 * The port may connect before the OM is up; until {@link #attach} it is told the OM is starting.
 */
public final class PortRequests implements ControlHandler, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PortRequests.class);

    private final String peerName;
    private final LookupService lookup;
    private final SatoSettings settings;
    private final RelayDirectory relays;
    private volatile Handlers handlers;
    private volatile MediaWatch watch;
    private volatile RelayPolicy policy;
    private volatile CallSteps steps = CallSteps.NONE;
    private volatile java.util.function.Consumer<ControlMessage> viewEvents = e -> { };

    private record Handlers(UserRecords users, SignallingSatos signalling, MediaSatos media, SatoTeardown teardown) {
    }

    public PortRequests(String peerName, LookupService lookup, SatoSettings settings, RelayDirectory relays) {
        this.peerName = peerName;
        this.lookup = lookup;
        this.settings = settings;
        this.relays = relays;
    }

    /** Who records the overlay's steps of each call (the peer's web view); set before {@link #attach}. */
    public void callSteps(CallSteps s) {
        steps = s;
    }

    /** Who gets the P2PSIP-Port's {@code view.sip} events (the peer's web view). */
    public void viewEvents(java.util.function.Consumer<ControlMessage> sink) {
        viewEvents = sink;
    }

    /** The OM is up: from now on the requests are served, {@code self} being this peer's record. */
    public void attach(OverlayManager om, PeerRecord self) {
        CallPlans plans = new CallPlans();
        // the background path probes measure the detours through a few relays, from the cached list
        om.relayCandidates(() -> relays.candidates(RelayPolicy.MAX_RELAYS + 1, Set.of(self.nodeId())));
        RelayPolicy policy = new RelayPolicy(settings, self.nodeId(), om::survey,
                ReachableRelays.of(RelayPolicy.Relays.of(relays), om::ring, om::lostWithin));
        this.policy = policy;
        SignallingSatos signalling = new SignallingSatos(peerName, om, self, policy, plans);
        MediaWatch w = new MediaWatch(peerName, settings, policy, ids -> om.ports().mediaCounters(ids));
        MediaSatos media = new MediaSatos(peerName, om, self, settings, plans, signalling, w);
        media.relayPolicy(policy);
        MediaAdapter adapter = new MediaAdapter(peerName, om, self, settings.nat(), policy, media::get, media::ofCall, w);
        om.adaptation(adapter);
        om.keepOnPeerLost(s -> s.purpose() == org.p2psip.om.types.Purpose.MEDIA && media.watchedAndRunning(s.id()));
        w.start(adapter);
        watch = w;
        UserRecords users = new UserRecords(peerName, lookup, self, om::ring);
        CallSteps s = steps;
        users.steps = s;
        signalling.steps = s;
        media.steps = s;
        adapter.steps = s;
        handlers = new Handlers(users, signalling, media, new SatoTeardown(media, signalling));
    }

    /** Stops watching the running media SATOs (the peer is stopping). */
    @Override
    public void close() {
        MediaWatch w = watch;
        if (w != null) {
            w.close();
        }
        Handlers h = handlers;
        if (h != null) {
            h.users().close();
        }
    }

    /** The relay decisions for new media SATOs so far, by reason ({@link RelayDecisions#byReason}); empty before {@link #attach}. */
    public java.util.Map<String, Long> relayDecisions() {
        RelayPolicy p = policy;
        return p == null ? java.util.Map.of() : p.decisions().byReason();
    }

    /**
     * The {@code user.register} requests answered so far: {@code stored} (the user record written to the
     * lookup service first) and {@code refresh} (a refresh whose record lives on: nothing written); empty
     * before {@link #attach}.
     */
    public java.util.Map<String, Long> userRegistrations() {
        Handlers h = handlers;
        return h == null ? java.util.Map.of() : java.util.Map.of("stored", h.users().storedAtRegister(),
                "refresh", h.users().refreshesNotStored());
    }

    /** The users registered through this OM. */
    public Set<String> registeredUsers() {
        Handlers h = handlers;
        return h == null ? Set.of() : h.users().registered();
    }

    /** Removes the user records of every user still registered (the peer is stopping). */
    public void deregisterAll() {
        Handlers h = handlers;
        if (h != null) {
            h.users().removeAll();
        }
    }

    /**
     * A REGISTER that refreshes a registration whose user record lives on ({@link UserRecords#refreshes}) is
     * answered on the connection's reader: it stores nothing and takes microseconds, so a phone's refresh
     * does not queue behind SATO set-ups and lookups waiting for other hosts.
     */
    @Override
    public boolean answersAtOnce(ControlMessage r) {
        Handlers h = handlers;
        return h != null && MessageTypes.USER_REGISTER.equals(r.type()) && h.users().refreshes(r);
    }

    @Override
    public ControlMessage onRequest(ControlConnection from, ControlMessage r) throws ControlException {
        Handlers h = handlers;
        if (h == null) {
            throw new ControlException(ErrorCode.UNAVAILABLE, "the Overlay Manager is still starting");
        }
        switch (r.type()) {
            case MessageTypes.USER_REGISTER:
                return h.users().register(r);
            case MessageTypes.USER_DEREGISTER:
                return h.users().deregister(r);
            case MessageTypes.USER_LOOKUP:
                return h.users().lookup(r);
            case MessageTypes.SATO_SIGNALLING_REQUEST:
                return h.signalling().open(from, r);
            case MessageTypes.SATO_MEDIA_REQUEST:
                return h.media().request(from, r);
            case MessageTypes.SATO_MEDIA_CONNECT:
                return h.media().connect(r);
            case MessageTypes.SATO_TEARDOWN:
                return h.teardown().teardown(r);
            default:
                throw ControlHandler.unknownType(r);
        }
    }

    @Override
    public void onEvent(ControlConnection from, ControlMessage event) {
        if (MessageTypes.VIEW_SIP.equals(event.type())) {
            viewEvents.accept(event);
            return;
        }
        log.debug("event from the P2PSIP-Port: {}", event);
    }
}
