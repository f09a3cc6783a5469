package org.p2psip.sip.sdp;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.p2psip.sip.overlay.HostPort;
import org.p2psip.sip.overlay.MediaAllocation;
import org.p2psip.sip.overlay.OverlayLink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The media side of one call at one P2PSIP-Port (draft Sec. 4, paper Sec. 5.2): SDP going to the local
 * UA gets the local RTP-Port's UA-facing addresses, SDP going across the overlay gets its
 * overlay-facing addresses, so media always runs UA -> local RTP-Port -> overlay. Each active
 * {@code m=} line gets one media SATO ({@code sato.media.request}, on first sight); once both the local
 * UA's address and the far side's overlay address are known, {@code sato.media.connect} tells the OM
 * ("Connect RTP"), again whenever either changes (re-INVITE).
 */
public final class MediaSession {
    private static final Logger log = LoggerFactory.getLogger(MediaSession.class);

    /** Which way an SDP body is going through this port. */
    public enum Direction {
        /** From the local UA towards the overlay. */
        TO_OVERLAY,
        /** From the overlay towards the local UA. */
        TO_UA
    }

    private final String call;
    private final OverlayLink overlay;
    private final Map<Integer, Stream> streams = new HashMap<>();
    private volatile String signalling;
    private boolean released;

    private static final class Stream {
        CompletableFuture<MediaAllocation> allocation;
        HostPort ua;
        HostPort uaRtcp;
        HostPort remote;
        HostPort remoteRtcp;
        String connected;
    }

    public MediaSession(String call, OverlayLink overlay) {
        this.call = call;
        this.overlay = overlay;
    }

    /** The signalling SATO of the call, passed along with media requests when known. */
    public void signalling(String sato) {
        this.signalling = sato;
    }

    /** Rewrites {@code body} going {@code direction}; completes with the new body. */
    public CompletableFuture<String> rewrite(Direction direction, String body) {
        Sdp sdp;
        List<SdpStream> list;
        try {
            sdp = Sdp.parse(body);
            list = sdp.streams();
        } catch (SdpException e) {
            return CompletableFuture.failedFuture(e);
        }
        Map<Integer, CompletableFuture<MediaAllocation>> wanted = new HashMap<>();
        synchronized (this) {
            if (released) {
                return CompletableFuture.completedFuture(body);
            }
            for (SdpStream s : list) {
                if (!s.isActive()) {
                    continue;
                }
                Stream st = streams.computeIfAbsent(s.index(), k -> new Stream());
                if (st.allocation == null) {
                    st.allocation = overlay.requestMedia(call, s.index(), s.media(), signalling);
                }
                if (direction == Direction.TO_OVERLAY) {
                    st.ua = s.rtp();
                    st.uaRtcp = s.rtcp();
                } else {
                    st.remote = s.rtp();
                    st.remoteRtcp = s.rtcp();
                }
                wanted.put(s.index(), st.allocation);
            }
        }
        CompletableFuture<?>[] all = wanted.values().toArray(new CompletableFuture<?>[0]);
        return CompletableFuture.allOf(all).thenApply(v -> {
            Map<Integer, HostPort[]> replace = new HashMap<>();
            for (Map.Entry<Integer, CompletableFuture<MediaAllocation>> e : wanted.entrySet()) {
                MediaAllocation a = e.getValue().join();
                replace.put(e.getKey(), direction == Direction.TO_OVERLAY
                        ? new HostPort[] {a.overlay(), a.overlayRtcp()}
                        : new HostPort[] {a.ua(), a.uaRtcp()});
                connectIfReady(e.getKey(), a);
            }
            try {
                return sdp.rewrite(replace);
            } catch (SdpException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        });
    }

    private void connectIfReady(int index, MediaAllocation a) {
        HostPort remote;
        HostPort remoteRtcp;
        HostPort ua;
        HostPort uaRtcp;
        synchronized (this) {
            Stream st = streams.get(index);
            if (st == null || released || st.ua == null || st.remote == null) {
                return;
            }
            String key = st.remote + "/" + st.remoteRtcp + "/" + st.ua + "/" + st.uaRtcp;
            if (key.equals(st.connected)) {
                return;
            }
            st.connected = key;
            remote = st.remote;
            remoteRtcp = st.remoteRtcp;
            ua = st.ua;
            uaRtcp = st.uaRtcp;
        }
        overlay.connectMedia(a.sato(), remote, remoteRtcp, ua, uaRtcp).whenComplete((x, e) -> {
            if (e != null) {
                log.warn("sato.media.connect {} for call {} failed: {}", a.sato(), call, e.getMessage());
            }
        });
    }

    /** Tears down every media SATO of the call (idempotent). */
    public void release(String reason) {
        Map<Integer, Stream> copy;
        synchronized (this) {
            if (released) {
                return;
            }
            released = true;
            copy = new HashMap<>(streams);
        }
        for (Stream st : copy.values()) {
            if (st.allocation != null) {
                st.allocation.whenComplete((a, e) -> {
                    if (a != null) {
                        overlay.teardown(a.sato(), reason);
                    }
                });
            }
        }
    }

    /** How many media SATOs this session holds. */
    public synchronized int streams() {
        return streams.size();
    }
}
