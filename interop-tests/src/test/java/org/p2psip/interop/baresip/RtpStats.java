package org.p2psip.interop.baresip;

/**
 * RTP packet counters of the current call's audio stream at one baresip UA, read from its
 * {@code audio_debug} command: {@code sent} is the RTCP session's "TX: packets=N", {@code received}
 * the sum of "rcvd=N" over the RTCP session's members (every remote source this UA got RTP from).
 */
public record RtpStats(long sent, long received) {

    @Override
    public String toString() {
        return "RTP sent=" + sent + " received=" + received;
    }
}
