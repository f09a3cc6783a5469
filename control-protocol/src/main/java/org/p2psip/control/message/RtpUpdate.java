package org.p2psip.control.message;

import java.time.Duration;
import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.MessageTypes;

/**
 * {@code rtp.update} (OM -> RTP-Port): change leg {@code leg} of {@code session}. Every other field
 * is optional (null: unchanged): {@code mode}, {@code remote} (a new remote or mode re-targets the
 * leg; a TCP leg reconnects or listens again), {@code remote_rtcp}, {@code keepalive},
 * {@code clock_rate}, and {@code relatch} (forget the latched source, latch again; sent only when
 * true). Answered by {@link RtpConnectAnswer}.
 */
public record RtpUpdate(String session, String leg, String mode, String remote, String remoteRtcp, Duration keepalive,
                        Integer clockRate, boolean relatch) implements RtpLegChange {
    public RtpUpdate {
        LegChanges.check(session, leg);
    }

    /** An update of {@code leg} that changes nothing yet. */
    public static RtpUpdate of(String session, String leg) {
        return new RtpUpdate(session, leg, null, null, null, null, null, false);
    }

    public RtpUpdate withMode(String m) {
        return new RtpUpdate(session, leg, m, remote, remoteRtcp, keepalive, clockRate, relatch);
    }

    public RtpUpdate withRemote(String r) {
        return new RtpUpdate(session, leg, mode, r, remoteRtcp, keepalive, clockRate, relatch);
    }

    public RtpUpdate withRemoteRtcp(String r) {
        return new RtpUpdate(session, leg, mode, remote, r, keepalive, clockRate, relatch);
    }

    public RtpUpdate withKeepalive(Duration k) {
        return new RtpUpdate(session, leg, mode, remote, remoteRtcp, k, clockRate, relatch);
    }

    public RtpUpdate withClockRate(Integer hz) {
        return new RtpUpdate(session, leg, mode, remote, remoteRtcp, keepalive, hz, relatch);
    }

    public RtpUpdate withRelatch(boolean r) {
        return new RtpUpdate(session, leg, mode, remote, remoteRtcp, keepalive, clockRate, r);
    }

    @Override
    public String type() {
        return MessageTypes.RTP_UPDATE;
    }

    public ControlMessage toMessage() {
        return LegChanges.write(this);
    }

    public static RtpUpdate from(ControlMessage m) throws ControlException {
        Wire.expectType(m, MessageTypes.RTP_UPDATE);
        String session = Wire.require(m, Fields.SESSION);
        String leg = Wire.require(m, Fields.LEG);
        String remote = m.get(Fields.REMOTE);
        if (remote != null && remote.isEmpty()) {
            throw Wire.invalid(m, Fields.REMOTE, remote, "empty");
        }
        return new RtpUpdate(session, leg, LegChanges.mode(m), remote, m.get(Fields.REMOTE_RTCP), LegChanges.keepalive(m),
                LegChanges.clockRate(m), Wire.optionalBoolean(m, Fields.RELATCH, false));
    }
}
