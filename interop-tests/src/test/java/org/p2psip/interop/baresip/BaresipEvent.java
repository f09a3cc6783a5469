package org.p2psip.interop.baresip;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One event from baresip's ctrl_tcp module, e.g. {@code CALL_ESTABLISHED}, {@code CALL_CLOSED}
 * (its {@link #param()} is the reason, e.g. {@code "404 Not Found"} or
 * {@code "Connection reset by peer"}), {@code REGISTER_OK}, {@code REGISTER_FAIL}.
 */
public final class BaresipEvent {

    private final Map<String, Object> fields;

    BaresipEvent(Map<String, Object> fields) {
        this.fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** Event type, e.g. {@code CALL_INCOMING}, {@code CALL_ESTABLISHED}, {@code CALL_CLOSED}. */
    public String type() {
        return str("type");
    }

    /** Event class: {@code call}, {@code register}, {@code application}, {@code other}. */
    public String eventClass() {
        return str("class");
    }

    /** The call's id (baresip's Call-ID), or null for events without a call. */
    public String callId() {
        return str("id");
    }

    /** The remote party's URI, or null. */
    public String peerUri() {
        return str("peeruri");
    }

    /** {@code incoming} or {@code outgoing}, or null. */
    public String direction() {
        return str("direction");
    }

    /** The event's parameter: the reason for CALL_CLOSED and REGISTER_FAIL, or null. */
    public String param() {
        return str("param");
    }

    /** All fields as baresip sent them (nested objects as maps). */
    public Map<String, Object> fields() {
        return fields;
    }

    private String str(String key) {
        Object v = fields.get(key);
        return v == null ? null : String.valueOf(v);
    }

    @Override
    public String toString() {
        return type() + (param() == null ? "" : "(" + param() + ")")
                + (peerUri() == null ? "" : " peer=" + peerUri())
                + (callId() == null ? "" : " id=" + callId());
    }
}
