package org.p2psip.om;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The SATOs this node takes part in, by id. */
public final class SatoTable {
    private final Map<String, Sato> satos = new ConcurrentHashMap<>();

    /** Adds {@code s} unless a SATO with its id exists; returns the one in the table. */
    public Sato addIfAbsent(Sato s) {
        Sato prev = satos.putIfAbsent(s.id(), s);
        return prev == null ? s : prev;
    }

    public Sato get(String id) {
        return id == null ? null : satos.get(id);
    }

    public Sato remove(String id) {
        return satos.remove(id);
    }

    public boolean remove(Sato s) {
        return satos.remove(s.id(), s);
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
