package org.p2psip.control.message;

import java.time.Duration;
import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.MessageTypes;

/**
 * {@code rtp.connect} (OM -> RTP-Port): give leg {@code leg} of {@code session} its far end
 * {@code remote} (required) and {@code mode}: <em>active</em> sends first (and connects, for TCP),
 * <em>passive</em> latches onto the real source of the first packets. {@code ua} defaults to
 * passive; overlay legs need a mode. Optional (null: absent): {@code remote_rtcp} (UA leg),
 * {@code keepalive} (active UDP legs; zero disables), {@code clock_rate} (Hz). Answered by
 * {@link RtpConnectAnswer}.
 */
public record RtpConnect(String session, String leg, String mode, String remote, String remoteRtcp, Duration keepalive,
                         Integer clockRate) implements RtpLegChange {
    public RtpConnect {
        LegChanges.check(session, leg);
        Wire.nonEmpty(remote, "remote");
    }

    /** Connect {@code leg} to {@code remote} in {@code mode} (null: the leg's default). */
    public static RtpConnect of(String session, String leg, String mode, String remote) {
        return new RtpConnect(session, leg, mode, remote, null, null, null);
    }

    public RtpConnect withRemoteRtcp(String r) {
        return new RtpConnect(session, leg, mode, remote, r, keepalive, clockRate);
    }

    public RtpConnect withKeepalive(Duration k) {
        return new RtpConnect(session, leg, mode, remote, remoteRtcp, k, clockRate);
    }

    public RtpConnect withClockRate(Integer hz) {
        return new RtpConnect(session, leg, mode, remote, remoteRtcp, keepalive, hz);
    }

    @Override
    public boolean relatch() {
        return false;
    }

    @Override
    public String type() {
        return MessageTypes.RTP_CONNECT;
    }

    public ControlMessage toMessage() {
        return LegChanges.write(this);
    }

    public static RtpConnect from(ControlMessage m) throws ControlException {
        Wire.expectType(m, MessageTypes.RTP_CONNECT);
        String session = Wire.require(m, Fields.SESSION);
        String leg = Wire.require(m, Fields.LEG);
        String mode = LegChanges.mode(m);
        String remote = m.get(Fields.REMOTE);
        if (remote == null || remote.isEmpty()) {
            throw new ControlException(org.p2psip.control.ErrorCode.BAD_REQUEST,
                    m.type() + ": missing field " + Fields.REMOTE + " (HOST:PORT, HOST or any)");
        }
        return new RtpConnect(session, leg, mode, remote, m.get(Fields.REMOTE_RTCP), LegChanges.keepalive(m),
                LegChanges.clockRate(m));
    }
}
