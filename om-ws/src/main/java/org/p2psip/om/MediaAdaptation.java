package org.p2psip.om;

import org.p2psip.om.types.Address;
import org.p2psip.om.types.OmException;
import org.p2psip.om.types.PathReport;

/**
 * The side of the media SATOs that adapts them while calls run (Sec. 4), as far as other OMs
 * ask for it over the OM IF: AdaptSato (the caller's OM moved the chain; re-point this end) and
 * ReportPath (the callee's end tells the caller's OM what it receives). Registered with
 * {@link OverlayManager#adaptation} once the SATO layer is up; until then both are UnknownSato.
 */
public interface MediaAdaptation {
    /** AdaptSato from {@code caller}: returns the id of the media SATO whose overlay leg now points at {@code remote}. */
    String onAdapt(String caller, String callId, Address mediaAddress, Address remote, String reason) throws OmException;

    /** ReportPath from {@code caller}: returns the id of the media SATO it concerns. */
    String onReport(String caller, PathReport report) throws OmException;

    /** Nothing adapts (before the SATO layer is attached). */
    MediaAdaptation NONE = new MediaAdaptation() {
        @Override
        public String onAdapt(String caller, String callId, Address mediaAddress, Address remote, String reason)
                throws OmException {
            throw OmException.unknownSato("call " + callId);
        }

        @Override
        public String onReport(String caller, PathReport report) throws OmException {
            throw OmException.unknownSato("call " + report.callId());
        }
    };
}
