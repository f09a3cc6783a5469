package org.p2psip.om.table;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.p2psip.om.types.Purpose;

/**
 * The SATOs this node takes part in, by id, and the signalling SATOs it accepted, by call id (how
 * the callee's OM finds the call of a media request). Both maps hold only SATOs in the table.
 */
public final class SatoTable {
    private final Map<String, Sato> satos = new ConcurrentHashMap<>();
    /** Call id -> id of the signalling SATO this node accepted for that call. */
    private final Map<String, String> acceptedByCall = new ConcurrentHashMap<>();

    /** Adds {@code s} unless a SATO with its id exists; returns the one in the table. */
    public Sato addIfAbsent(Sato s) {
        Sato prev = satos.putIfAbsent(s.id(), s);
        return prev == null ? s : prev;
    }

    public Sato get(String id) {
        return id == null ? null : satos.get(id);
    }

    public Sato remove(String id) {
        Sato s = satos.remove(id);
        if (s != null) {
            unindex(s);
        }
        return s;
    }

    public boolean remove(Sato s) {
        boolean removed = satos.remove(s.id(), s);
        if (removed) {
            unindex(s);
        }
        return removed;
    }

    /** Lists {@code s} under its call id if it is a signalling SATO this node accepted (call SetupSato set the call id). */
    public void indexCall(Sato s) {
        String call = s.callId();
        if (call == null || s.purpose() != Purpose.SIGNALLING || s.role() != Sato.Role.ACCEPTOR) {
            return;
        }
        acceptedByCall.put(call, s.id());
        if (satos.get(s.id()) != s) {
            unindex(s); // it ended meanwhile
        }
    }

    /** The signalling SATO this node accepted for {@code callId} (the callee's side of the call), or null. */
    public Sato acceptedSignalling(String callId) {
        String id = callId == null ? null : acceptedByCall.get(callId);
        return id == null ? null : satos.get(id);
    }

    private void unindex(Sato s) {
        String call = s.callId();
        if (call != null) {
            acceptedByCall.remove(call, s.id());
        }
    }

    public List<Sato> withPeer(String nodeId) {
        List<Sato> out = new ArrayList<>();
        for (Sato s : satos.values()) {
            if (s.peerNodeId().equals(nodeId)) {
                out.add(s);
            }
        }
        return out;
    }

    public Collection<Sato> all() {
        return List.copyOf(satos.values());
    }

    public int size() {
        return satos.size();
    }
}
