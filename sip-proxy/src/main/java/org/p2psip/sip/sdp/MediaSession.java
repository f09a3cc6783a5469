package org.p2psip.sip.sdp;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.p2psip.common.HostPort;
import org.p2psip.sip.overlay.MediaAllocation;

/**
 * The SDP mechanics of one call at one P2PSIP-Port (draft Sec. 4, paper Sec. 5.2): SDP going to the
 * local UA gets the local RTP-Port's UA-facing addresses, SDP going across the overlay gets its
 * overlay-facing addresses, so media always runs UA -> local RTP-Port -> overlay. It remembers, per
 * {@code m=} line, the local UA's address and the far side's overlay address, and asks its call
 * ({@link Satos}) for a media SATO on a stream's first sight and for "Connect RTP" once both ends
 * of a stream are known, again whenever either changes (re-INVITE). The control messages themselves
 * are the call's business ({@code org.p2psip.sip.call.CallerSide}, {@code CalleeSide}).
 */
public final class MediaSession {

    /** Which way an SDP body is going through this port. */
    public enum Direction {
        /** From the local UA towards the overlay. */
        TO_OVERLAY,
        /** From the overlay towards the local UA. */
        TO_UA
    }

    /** The two Figure 4 steps an SDP body can trigger, done by the call that owns the session. */
    public interface Satos {
        /** {@code sato.media.request} for one active {@code m=} line, on its first sight. */
        CompletableFuture<MediaAllocation> mediaSatoRequest(SdpStream stream);

        /** {@code sato.media.connect} ("Connect RTP"): both ends of the stream of {@code allocation} are known. */
        void mediaSatoConnect(MediaAllocation allocation, StreamEnds ends);
    }

    /** Both media ends of one stream at this port: the far side's overlay address and the local UA's address. */
    public record StreamEnds(HostPort remote, HostPort remoteRtcp, HostPort ua, HostPort uaRtcp) {
    }

    private final Satos satos;
    private final Map<Integer, Stream> streams = new HashMap<>();
    private boolean released;

    private static final class Stream {
        CompletableFuture<MediaAllocation> allocation;
        HostPort ua;
        HostPort uaRtcp;
        HostPort remote;
        HostPort remoteRtcp;
        StreamEnds connected;
    }

    public MediaSession(Satos satos) {
        this.satos = satos;
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
                    st.allocation = satos.mediaSatoRequest(s);
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
        StreamEnds ends;
        synchronized (this) {
            Stream st = streams.get(index);
            if (st == null || released || st.ua == null || st.remote == null) {
                return;
            }
            ends = new StreamEnds(st.remote, st.remoteRtcp, st.ua, st.uaRtcp);
            if (ends.equals(st.connected)) {
                return;
            }
            st.connected = ends;
        }
        satos.mediaSatoConnect(a, ends);
    }

    /** Ends the session (idempotent): {@code teardown} gets each media SATO once the OM has named it. */
    public void release(Consumer<MediaAllocation> teardown) {
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
                        teardown.accept(a);
                    }
                });
            }
        }
    }

    /** Whether one of this session's streams got media SATO {@code sato} from the OM. */
    public synchronized boolean holds(String sato) {
        for (Stream st : streams.values()) {
            CompletableFuture<MediaAllocation> a = st.allocation;
            if (a != null && a.isDone() && !a.isCompletedExceptionally() && sato.equals(a.join().sato())) {
                return true;
            }
        }
        return false;
    }

    /** How many media SATOs this session holds. */
    public synchronized int streams() {
        return streams.size();
    }
}
