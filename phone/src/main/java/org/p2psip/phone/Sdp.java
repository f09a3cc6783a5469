package org.p2psip.phone;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The little SDP (RFC 4566, offer/answer RFC 3264) the phone needs: one audio stream, PCMU/8000 (payload
 * type 0), optionally telephone-event, and the {@link AbsSendTime} RTP header extension
 * ({@code a=extmap}, RFC 8285: offered with id 3, answered only if offered, with the offer's id). Parsing finds the connection address and port of the first
 * audio stream; anything else in the session description is ignored.
 */
public final class Sdp {

    /** Dynamic payload type the phone offers for telephone-event (RFC 4733). */
    public static final int TELEPHONE_EVENT_PT = 101;

    private Sdp() {
    }

    /**
     * The audio stream of a remote session description.
     *
     * @param absSendTimeId the {@code a=extmap} id of abs-send-time, null if not announced
     */
    public record Audio(String address, int port, List<Integer> payloadTypes, Integer telephoneEventPt,
            Integer absSendTimeId) {

        /** A stream without header extensions. */
        public Audio(String address, int port, List<Integer> payloadTypes, Integer telephoneEventPt) {
            this(address, port, payloadTypes, telephoneEventPt, null);
        }

        /** Whether PCMU (payload type 0) is among the stream's formats. */
        public boolean offersPcmu() {
            return payloadTypes.contains(RtpSession.PT_PCMU);
        }
    }

    /** An offer: PCMU and telephone-event from {@code address:port}, and abs-send-time as extension 3. */
    public static String offer(String user, long sessionId, String address, int port) {
        return build(user, sessionId, address, port, TELEPHONE_EVENT_PT, AbsSendTime.DEFAULT_ID);
    }

    /**
     * An answer to {@code offer}: PCMU, plus telephone-event with the offerer's payload type if it offered
     * one, plus abs-send-time with the offerer's extension id if it offered it.
     */
    public static String answer(String user, long sessionId, String address, int port, Audio offer) {
        return build(user, sessionId, address, port, offer.telephoneEventPt(), offer.absSendTimeId());
    }

    private static String build(String user, long sessionId, String address, int port, Integer telephoneEvent,
            Integer absSendTimeId) {
        String ipVersion = address.contains(":") ? "IP6" : "IP4";
        StringBuilder sb = new StringBuilder();
        sb.append("v=0\r\n");
        sb.append("o=").append(user.isEmpty() ? "-" : user).append(' ').append(sessionId).append(' ')
                .append(sessionId).append(" IN ").append(ipVersion).append(' ').append(address).append("\r\n");
        sb.append("s=p2psip phone\r\n");
        sb.append("c=IN ").append(ipVersion).append(' ').append(address).append("\r\n");
        sb.append("t=0 0\r\n");
        sb.append("m=audio ").append(port).append(" RTP/AVP 0");
        if (telephoneEvent != null) {
            sb.append(' ').append(telephoneEvent);
        }
        sb.append("\r\n");
        sb.append("a=rtpmap:0 PCMU/8000\r\n");
        if (telephoneEvent != null) {
            sb.append("a=rtpmap:").append(telephoneEvent).append(" telephone-event/8000\r\n");
            sb.append("a=fmtp:").append(telephoneEvent).append(" 0-15\r\n");
        }
        if (absSendTimeId != null) {
            sb.append("a=extmap:").append(absSendTimeId).append(' ').append(AbsSendTime.URI).append("\r\n");
        }
        sb.append("a=ptime:20\r\n");
        sb.append("a=sendrecv\r\n");
        return sb.toString();
    }

    /**
     * The first audio stream of {@code sdp}.
     *
     * @throws IllegalArgumentException with a clear message if there is none, or no usable address/port
     */
    public static Audio parse(String sdp) {
        if (sdp == null || sdp.isBlank()) {
            throw new IllegalArgumentException("no SDP body");
        }
        String sessionAddress = null;
        String mediaAddress = null;
        int port = -1;
        List<Integer> pts = new ArrayList<>();
        Integer telephoneEvent = null;
        Integer absSendTimeId = null;
        boolean inAudio = false;
        boolean seenAudio = false;
        boolean sessionLevel = true;
        for (String raw : sdp.split("\r?\n")) {
            String line = raw.trim();
            if (line.length() < 2 || line.charAt(1) != '=') {
                continue;
            }
            char type = line.charAt(0);
            String value = line.substring(2).trim();
            if (type == 'm') {
                sessionLevel = false;
                if (seenAudio) {
                    inAudio = false;
                    continue;
                }
                String[] f = value.split("\\s+");
                if (f.length >= 4 && f[0].equals("audio") && f[2].toUpperCase(Locale.ROOT).startsWith("RTP/")) {
                    port = parsePort(f[1]);
                    for (int i = 3; i < f.length; i++) {
                        try {
                            pts.add(Integer.parseInt(f[i]));
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("bad payload type in m= line: " + f[i]);
                        }
                    }
                    inAudio = true;
                    seenAudio = true;
                } else {
                    inAudio = false;
                }
            } else if (type == 'c') {
                String[] f = value.split("\\s+");
                if (f.length < 3 || !f[0].equals("IN")) {
                    throw new IllegalArgumentException("bad c= line: " + value);
                }
                String addr = f[2].contains("/") ? f[2].substring(0, f[2].indexOf('/')) : f[2];
                if (inAudio) {
                    mediaAddress = addr;
                } else if (!seenAudio) {
                    sessionAddress = addr;
                }
            } else if (type == 'a' && (inAudio || sessionLevel) && value.startsWith("extmap:")) {
                Integer id = absSendTimeId(value);
                if (id != null && (inAudio || absSendTimeId == null)) {
                    absSendTimeId = id; // media level wins over session level
                }
            } else if (type == 'a' && inAudio && value.startsWith("rtpmap:")) {
                String[] f = value.substring(7).split("\\s+", 2);
                if (f.length == 2 && f[1].toLowerCase(Locale.ROOT).startsWith("telephone-event/8000")) {
                    try {
                        telephoneEvent = Integer.parseInt(f[0]);
                    } catch (NumberFormatException ignored) {
                        // not a number: not something we can use
                    }
                }
            }
        }
        if (!seenAudio) {
            throw new IllegalArgumentException("SDP has no RTP audio stream (m=audio)");
        }
        String address = mediaAddress != null ? mediaAddress : sessionAddress;
        if (address == null) {
            throw new IllegalArgumentException("SDP has no connection address (c=)");
        }
        if (telephoneEvent != null && !pts.contains(telephoneEvent)) {
            telephoneEvent = null;
        }
        return new Audio(address, port, List.copyOf(pts), telephoneEvent, absSendTimeId);
    }

    /**
     * The id of {@code extmap:ID[/direction] URI [attributes]} if the URI is abs-send-time and the id fits
     * the one-byte header form (1..14), else null (other extensions, ids the phone cannot send).
     */
    private static Integer absSendTimeId(String value) {
        String[] f = value.substring(7).trim().split("\\s+");
        if (f.length < 2 || !f[1].equals(AbsSendTime.URI)) {
            return null;
        }
        String id = f[0].contains("/") ? f[0].substring(0, f[0].indexOf('/')) : f[0];
        try {
            int n = Integer.parseInt(id);
            return n >= 1 && n <= 14 ? n : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static int parsePort(String s) {
        String p = s.contains("/") ? s.substring(0, s.indexOf('/')) : s;
        try {
            int port = Integer.parseInt(p);
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("bad port in m= line: " + s);
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port in m= line: " + s);
        }
    }
}
