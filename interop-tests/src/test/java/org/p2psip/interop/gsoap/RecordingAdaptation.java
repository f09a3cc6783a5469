package org.p2psip.interop.gsoap;

import java.util.ArrayList;
import java.util.List;
import org.p2psip.om.MediaAdaptation;
import org.p2psip.om.OverlayManager;
import org.p2psip.om.table.Sato;
import org.p2psip.om.types.Address;
import org.p2psip.om.types.OmException;
import org.p2psip.om.types.PathReport;
import org.p2psip.om.types.Purpose;

/**
 * A {@link MediaAdaptation} for the gSOAP client test: it records every AdaptSato and ReportPath
 * the Java OM hands over; it knows one call (the media SATO of that call in the Java OM's table
 * answers) and answers UnknownSato for every other call. Keeps at most {@value #LIMIT} records of each kind.
 */
final class RecordingAdaptation implements MediaAdaptation {
    static final int LIMIT = 16;

    /** One AdaptSato as the Java OM handed it over, and the local endpoint of the SATO it found (null: none). */
    record Adapt(String caller, String callId, Address mediaAddress, Address remote, String reason, Address satoLocal) {
    }

    /** One ReportPath as the Java OM handed it over. */
    record Report(String caller, PathReport report) {
    }

    private final OverlayManager om;
    private final String knownCallId;
    private final List<Adapt> adapts = new ArrayList<>();
    private final List<Report> reports = new ArrayList<>();

    RecordingAdaptation(OverlayManager om, String knownCallId) {
        this.om = om;
        this.knownCallId = knownCallId;
    }

    @Override
    public String onAdapt(String caller, String callId, Address mediaAddress, Address remote, String reason)
            throws OmException {
        Sato s = mediaSato(callId);
        synchronized (this) {
            if (adapts.size() < LIMIT) {
                adapts.add(new Adapt(caller, callId, mediaAddress, remote, reason, s == null ? null : s.localEndpoint()));
            }
        }
        return known(s, callId);
    }

    @Override
    public String onReport(String caller, PathReport report) throws OmException {
        Sato s = mediaSato(report.callId());
        synchronized (this) {
            if (reports.size() < LIMIT) {
                reports.add(new Report(caller, report));
            }
        }
        return known(s, report.callId());
    }

    synchronized List<Adapt> adapts() {
        return List.copyOf(adapts);
    }

    synchronized List<Report> reports() {
        return List.copyOf(reports);
    }

    /** The media SATO of the known call in the Java OM's table, or null. */
    private Sato mediaSato(String callId) {
        if (knownCallId.equals(callId)) {
            for (Sato s : om.satos().all()) {
                if (s.purpose() == Purpose.MEDIA && callId.equals(s.callId())) {
                    return s;
                }
            }
        }
        return null;
    }

    private static String known(Sato s, String callId) throws OmException {
        if (s == null) {
            throw OmException.unknownSato("call " + callId);
        }
        return s.id();
    }
}
