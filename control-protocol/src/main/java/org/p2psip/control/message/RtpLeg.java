package org.p2psip.control.message;

import java.util.Map;

/**
 * One leg of an RTP-Port session as an answer describes it: its name ({@code ua}, {@code overlay},
 * {@code a}, {@code b}) and its fields in order, without the {@code <leg>.} prefix they carry on
 * the wire: {@code transport}, {@code mode}, {@code state}, {@code remote}, the local port(s)
 * ({@code rtp}, {@code rtcp} or {@code port}) and the counters ({@link Fields#PACKETS_IN}, ...).
 */
public record RtpLeg(String name, Map<String, String> fields) {
    public RtpLeg {
        Wire.nonEmpty(name, "leg name");
        fields = Wire.copy(fields);
    }

    /** A field, or null. */
    public String get(String field) {
        return fields.get(field);
    }

    public String transport() {
        return get(Fields.TRANSPORT);
    }

    public String mode() {
        return get(Fields.MODE);
    }

    public String state() {
        return get(Fields.STATE);
    }

    public String remote() {
        return get(Fields.REMOTE);
    }

    /** The overlay leg's local port (the TCP listening port for TCP), or -1. */
    public int port() {
        return number(Fields.PORT);
    }

    /** The UA leg's local RTP port, or -1. */
    public int rtp() {
        return number(Fields.RTP);
    }

    /** The UA leg's local RTCP port, or -1. */
    public int rtcp() {
        return number(Fields.RTCP);
    }

    /** A counter such as {@link Fields#PACKETS_IN}; IllegalArgumentException if the leg has no such numeric field. */
    public long count(String counter) {
        String v = fields.get(counter);
        if (v == null) {
            throw new IllegalArgumentException("leg " + name + " has no field " + counter + ": " + fields);
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("leg " + name + ": " + counter + " is not a number: " + v);
        }
    }

    private int number(String field) {
        String v = fields.get(field);
        if (v == null) {
            return -1;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The leg called {@code name} among {@code legs}, or null. */
    static RtpLeg named(java.util.List<RtpLeg> legs, String name) {
        for (RtpLeg l : legs) {
            if (l.name().equals(name)) {
                return l;
            }
        }
        return null;
    }
}
