package org.p2psip.om.table;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.p2psip.om.ports.PortSession;
import org.p2psip.om.types.Address;
import org.p2psip.om.types.NodeIds;
import org.p2psip.om.types.Purpose;
import org.p2psip.om.types.Requirement;
import org.p2psip.om.types.TransportKind;

/**
 * One entry of the SATO table: a Service-Aware Transport Overlay this node takes part in, with
 * the peer at the other end, the negotiated transport, the port sessions it uses and its state.
 * Mutable parts are guarded by the instance lock; {@link #snapshot()} gives a consistent copy.
 */
public final class Sato {
    /** Whether this node asked for the SATO (the caller's OM) or accepted it. */
    public enum Role { INITIATOR, ACCEPTOR }

    /** Changes of a running SATO kept at most. */
    public static final int MAX_HISTORY = 32;
    private String note;
    private final List<String> history = new ArrayList<>();

    private final String id;
    private final Purpose purpose;
    private final String peerNodeId;
    private final Role role;
    private final long createdNanos = System.nanoTime();
    private Address peerOm;
    private String callId;
    private List<Requirement> requirements = List.of();
    private TransportKind transport;
    private Address localEndpoint;
    private Address remoteEndpoint;
    private SatoState state;
    private final List<PortSession> sessions = new ArrayList<>();
    private long negotiatedAtNanos = createdNanos;
    private boolean negotiatedBefore;

    public Sato(String id, Purpose purpose, String peerNodeId, Role role, SatoState state) {
        this.id = Objects.requireNonNull(id);
        this.purpose = Objects.requireNonNull(purpose);
        this.peerNodeId = Objects.requireNonNull(peerNodeId);
        this.role = Objects.requireNonNull(role);
        this.state = Objects.requireNonNull(state);
    }

    public String id() {
        return id;
    }

    public Purpose purpose() {
        return purpose;
    }

    public String peerNodeId() {
        return peerNodeId;
    }

    public Role role() {
        return role;
    }

    public synchronized Address peerOm() {
        return peerOm;
    }

    public synchronized Sato peerOm(Address a) {
        if (a != null) {
            this.peerOm = a;
        }
        return this;
    }

    public synchronized String callId() {
        return callId;
    }

    public synchronized Sato callId(String c) {
        if (c != null) {
            this.callId = c;
        }
        return this;
    }

    public synchronized List<Requirement> requirements() {
        return requirements;
    }

    public synchronized Sato requirements(List<Requirement> r) {
        this.requirements = List.copyOf(r);
        return this;
    }

    public synchronized TransportKind transport() {
        return transport;
    }

    public synchronized Address localEndpoint() {
        return localEndpoint;
    }

    public synchronized Address remoteEndpoint() {
        return remoteEndpoint;
    }

    /**
     * The initiator set this SATO up with SetupSato alone, on the transport its peer chose in an earlier
     * negotiation (no NegotiateTransport of its own).
     */
    public synchronized Sato asNegotiatedBefore() {
        this.negotiatedBefore = true;
        return this;
    }

    public synchronized boolean negotiatedBefore() {
        return negotiatedBefore;
    }

    /** Records the negotiated transport and both ends. */
    public synchronized Sato negotiated(TransportKind t, Address local, Address remote) {
        this.transport = t;
        if (local != null) {
            this.localEndpoint = local;
        }
        if (remote != null) {
            this.remoteEndpoint = remote;
        }
        this.negotiatedAtNanos = System.nanoTime();
        return this;
    }

    public synchronized SatoState state() {
        return state;
    }

    public synchronized void state(SatoState s) {
        this.state = s;
    }

    /** Moves to {@code next} only from {@code expected}; false if the SATO is in another state. */
    public synchronized boolean transition(SatoState expected, SatoState next) {
        if (state != expected) {
            return false;
        }
        state = next;
        return true;
    }

    public synchronized void addSession(PortSession s) {
        sessions.add(s);
    }

    public synchronized boolean removeSession(String sessionId) {
        return sessions.removeIf(s -> s.sessionId().equals(sessionId));
    }

    public synchronized List<PortSession> sessions() {
        return List.copyOf(sessions);
    }

    /** Sessions taken out of the SATO, for releasing them. */
    public synchronized List<PortSession> drainSessions() {
        List<PortSession> out = List.copyOf(sessions);
        sessions.clear();
        return out;
    }

    public long ageSeconds() {
        return (System.nanoTime() - createdNanos) / 1_000_000_000L;
    }

    /** Nanoseconds since the last negotiation (for expiring SATOs left in {@link SatoState#NEGOTIATED}). */
    public synchronized long sinceNegotiatedNanos() {
        return System.nanoTime() - negotiatedAtNanos;
    }

    /** Why the SATO looks as it does (for a media SATO: the relay decision and its reason); shown in node status. */
    public synchronized Sato note(String n) {
        this.note = n;
        return this;
    }

    public synchronized String note() {
        return note;
    }

    /** Records a change of the running SATO (a media path adapted); the last {@value #MAX_HISTORY} are kept, shown in node status. */
    public synchronized Sato adapted(String event) {
        if (history.size() == MAX_HISTORY) {
            history.remove(0);
        }
        history.add(event);
        return this;
    }

    /** The changes recorded with {@link #adapted}, oldest first. */
    public synchronized List<String> history() {
        return List.copyOf(history);
    }

    public synchronized Snapshot snapshot() {
        List<String> ids = new ArrayList<>(sessions.size());
        sessions.forEach(s -> ids.add(s.sessionId()));
        return new Snapshot(id, purpose, peerNodeId, peerOm, role, callId, transport, localEndpoint, remoteEndpoint,
                state, List.copyOf(ids), ageSeconds(), note, List.copyOf(history));
    }

    /** A consistent copy of a SATO's state. */
    public record Snapshot(String id, Purpose purpose, String peerNodeId, Address peerOm, Role role, String callId,
                           TransportKind transport, Address localEndpoint, Address remoteEndpoint, SatoState state,
                           List<String> sessionIds, long ageSeconds, String note, List<String> history) {
    }

    @Override
    public String toString() {
        return "SATO " + id + " (" + purpose + ", peer " + NodeIds.shortId(peerNodeId) + ", " + state() + ")";
    }
}
