package org.p2psip.om.path;

import java.util.ArrayList;
import java.util.List;

/**
 * The figures of every route to one peer at call set-up: directly, and through each relay asked
 * about (paper Sec. 5.2: "RTP1 -> RTP3 -> RTP2"). {@code direct} is null when the peer was not
 * probed directly (it is behind a NAT).
 */
public record PathSurvey(PathQuality direct, List<Detour> detours) {

    /** The figures of the route through the relay with node id {@code relayNodeId}. */
    public record Detour(String relayNodeId, PathQuality quality) {
    }

    public PathSurvey {
        detours = List.copyOf(detours);
    }

    /** Whether no route answered at all. */
    public boolean nothingAnswered() {
        return (direct == null || !direct.answeredAny()) && detours.stream().noneMatch(d -> d.quality().answeredAny());
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        if (direct != null) {
            parts.add(direct.toString());
        }
        detours.forEach(d -> parts.add(d.quality().toString()));
        return String.join("; ", parts);
    }
}
