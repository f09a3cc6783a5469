package org.p2psip.om;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.p2psip.om.types.Address;
import org.p2psip.om.types.Purpose;
import org.p2psip.om.types.Requirement;
import org.p2psip.om.types.TransportCandidate;
import org.p2psip.om.types.TransportKind;

/**
 * What the OMs this node set SATOs up with chose in their last transport negotiation ("Connect and
 * negotiate", Figure 4). The next SATO to the same OM, for the same purpose, requirements and
 * candidates within {@value #FRESH_SECONDS} s, is set up with SetupSato alone, naming the transport
 * chosen then: the callee negotiates the one transport offered (OM IF, SetupSato without
 * NegotiateTransport), so a call to a peer called recently costs one OM IF round trip less at set-up.
 * An OM that refuses that (a legacy OM) is remembered for {@value #LEGACY_MINUTES} minutes and always
 * negotiated with. Bounded: at most {@value #MAX} OMs of each kind.
 */
final class KnownNegotiations {
    static final long FRESH_SECONDS = 30;
    static final long LEGACY_MINUTES = 10;
    static final int MAX = 4096;

    /** What a SATO is negotiated for. */
    record Key(Address om, Purpose purpose, List<Requirement> requirements, List<TransportCandidate> candidates) {
        Key {
            requirements = List.copyOf(requirements);
            candidates = List.copyOf(candidates);
        }
    }

    /** The callee's node and its choice among the candidates. */
    record Choice(String nodeId, TransportKind transport, int candidateIndex) {
    }

    private record Entry(Choice choice, long atNanos) {
    }

    private final Map<Key, Entry> known = new LinkedHashMap<>();
    private final Map<Address, Long> legacy = new LinkedHashMap<>();

    /** The choice of a negotiation for {@code key} less than {@value #FRESH_SECONDS} s ago, or null. */
    synchronized Choice get(Key key, long nowNanos) {
        Long since = legacy.get(key.om());
        if (since != null && nowNanos - since < TimeUnit.MINUTES.toNanos(LEGACY_MINUTES)) {
            return null;
        }
        Entry e = known.get(key);
        if (e == null || nowNanos - e.atNanos() > TimeUnit.SECONDS.toNanos(FRESH_SECONDS)) {
            return null;
        }
        return e.choice();
    }

    /** A negotiation for {@code key} chose {@code choice} (the OM answers SetupSato alone from now on, unless it refuses). */
    synchronized void negotiated(Key key, Choice choice, long nowNanos) {
        known.remove(key);
        known.put(key, new Entry(choice, nowNanos));
        trim(known);
    }

    /** SetupSato alone failed at {@code om}: negotiate with it again, and if it refused the request itself, for a while. */
    synchronized void failed(Address om, boolean refused, long nowNanos) {
        known.keySet().removeIf(k -> k.om().equals(om));
        if (refused) {
            legacy.remove(om);
            legacy.put(om, nowNanos);
            trim(legacy);
        }
    }

    /** Forgets what {@code om} chose (its peer was lost). */
    synchronized void forget(Address om) {
        known.keySet().removeIf(k -> k.om().equals(om));
    }

    synchronized int size() {
        return known.size();
    }

    private static <K, V> void trim(Map<K, V> m) {
        var it = m.keySet().iterator();
        while (m.size() > MAX && it.hasNext()) {
            it.next();
            it.remove();
        }
    }
}
