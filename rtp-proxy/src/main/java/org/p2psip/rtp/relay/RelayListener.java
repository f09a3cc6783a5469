package org.p2psip.rtp.relay;

/** What the relay tells its owner (who turns it into control events). Called on a worker thread: do not block. */
public interface RelayListener {
    /** A leg broke: a TCP connection failed, closed or sent a truncated frame. */
    void legFailed(String session, String leg, String reason);

    /** The relay released a session by itself (for example after the idle timeout). */
    void sessionReleased(String session, String reason);
}
