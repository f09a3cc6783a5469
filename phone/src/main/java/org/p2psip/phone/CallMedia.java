package org.p2psip.phone;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The media of one call: its RTP session (RTP and RTCP ports on the media host), what the SDP
 * says about it, starting the tone towards the other side's SDP address and stopping it at the end,
 * when the final statistics are kept.
 */
final class CallMedia {

    private final RtpSession rtp;
    private volatile MediaStats finalStats;

    private CallMedia(RtpSession rtp) {
        this.rtp = rtp;
    }

    /** Binds the RTP and RTCP ports; {@code fail} starts the error message ("call to bob failed: "). */
    static CallMedia open(String mediaHost, String fail) throws PhoneException {
        try {
            return new CallMedia(RtpSession.open(InetAddress.getByName(mediaHost)));
        } catch (IOException e) {
            throw new PhoneException(fail + "cannot open RTP ports: " + e.getMessage(), e);
        }
    }

    /**
     * The other side's SDP (offer or answer), if it has PCMU audio on a port.
     *
     * @param missing the message when it has not
     * @throws IllegalArgumentException if the SDP is malformed or has no PCMU audio
     */
    static Sdp.Audio pcmu(String sdp, String missing) {
        Sdp.Audio audio = Sdp.parse(sdp);
        if (!audio.offersPcmu() || audio.port() == 0) {
            throw new IllegalArgumentException(missing);
        }
        return audio;
    }

    /** The address the SDP advertises (the RTP socket's). */
    String host() {
        return rtp.localAddress().getHostAddress();
    }

    int rtpPort() {
        return rtp.rtpPort();
    }

    /**
     * Starts sending the tone to {@code remote}'s {@code c=}/{@code m=} address, with abs-send-time if the
     * remote SDP announced it.
     *
     * @return {@code sending PCMU from HOST:PORT to HOST:PORT}, for the step line
     */
    String startSending(Sdp.Audio remote) {
        rtp.startSending(new InetSocketAddress(remote.address(), remote.port()), remote.absSendTimeId());
        return "sending PCMU from " + host() + ":" + rtpPort() + " to " + remote.address() + ":" + remote.port();
    }

    /** The media received since the last interval was taken ({@link RtpSession#takeInterval}). */
    MediaInterval takeInterval(long endMillis) {
        return rtp.takeInterval(endMillis);
    }

    /** Stops sending, keeps the final statistics and closes the ports. */
    void stop() {
        rtp.stopSending();
        finalStats = rtp.stats();
        rtp.close();
    }

    /** The running statistics, or the final ones after {@link #stop()}. */
    void mute(boolean on) {
        rtp.mute(on);
    }

    MediaStats stats() {
        MediaStats f = finalStats;
        return f != null ? f : rtp.stats();
    }

    /** Closes the ports when the call never got going. */
    void close() {
        rtp.close();
    }
}
