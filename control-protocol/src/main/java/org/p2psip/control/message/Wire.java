package org.p2psip.control.message;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.p2psip.control.ControlException;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.ErrorCode;

/**
 * Reading and writing fields for the typed messages: every failure is {@link ErrorCode#BAD_REQUEST}
 * with a message {@code "<type>: missing field <name>"} or {@code "<type>: invalid field <name>
 * ('<value>': <why>)"}.
 */
final class Wire {
    private Wire() {
    }

    static void expectType(ControlMessage m, String type) throws ControlException {
        if (!m.type().equals(type)) {
            throw new ControlException(ErrorCode.BAD_REQUEST, "expected a " + type + " message, not " + m.type());
        }
    }

    static ControlException missing(ControlMessage m, String field) {
        return new ControlException(ErrorCode.BAD_REQUEST, m.type() + ": missing field " + field);
    }

    static ControlException invalid(ControlMessage m, String field, String value, String why) {
        return new ControlException(ErrorCode.BAD_REQUEST, m.type() + ": invalid field " + field + " ('" + value + "': " + why + ")");
    }

    /** A mandatory, non-empty field. */
    static String require(ControlMessage m, String field) throws ControlException {
        String v = m.get(field);
        if (v == null || v.isEmpty()) {
            throw missing(m, field);
        }
        return v;
    }

    /** A mandatory field that may be empty. */
    static String present(ControlMessage m, String field) throws ControlException {
        String v = m.get(field);
        if (v == null) {
            throw missing(m, field);
        }
        return v;
    }

    /** An optional field: null when absent. */
    static String optional(ControlMessage m, String field) {
        return m.get(field);
    }

    static int requireInt(ControlMessage m, String field) throws ControlException {
        return parseInt(m, field, require(m, field));
    }

    static long requireLong(ControlMessage m, String field) throws ControlException {
        String v = require(m, field);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw invalid(m, field, v, "not a number");
        }
    }

    static Integer optionalInt(ControlMessage m, String field) throws ControlException {
        String v = m.get(field);
        return v == null ? null : parseInt(m, field, v);
    }

    private static int parseInt(ControlMessage m, String field, String v) throws ControlException {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw invalid(m, field, v, "not an integer");
        }
    }

    /** {@code true}/{@code false} (also 1/0, yes/no); {@code fallback} when absent. */
    static boolean optionalBoolean(ControlMessage m, String field, boolean fallback) throws ControlException {
        String v = m.get(field);
        if (v == null) {
            return fallback;
        }
        switch (v.toLowerCase(Locale.ROOT)) {
            case "true":
            case "1":
            case "yes":
                return true;
            case "false":
            case "0":
            case "no":
                return false;
            default:
                throw invalid(m, field, v, "must be true or false");
        }
    }

    /** A number of seconds (decimals allowed) in 0..86400; zero only if {@code zeroOk}; null when absent. */
    static Duration optionalSeconds(ControlMessage m, String field, boolean zeroOk) throws ControlException {
        String v = m.get(field);
        if (v == null) {
            return null;
        }
        double d;
        try {
            d = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw invalid(m, field, v, "not a number of seconds");
        }
        if (Double.isNaN(d) || d < 0 || (!zeroOk && d == 0) || d > 86_400) {
            throw invalid(m, field, v, "out of range " + (zeroOk ? "0" : "(0") + "..86400 s");
        }
        return Duration.ofMillis(Math.round(d * 1000));
    }

    /** Seconds as written on the wire: {@code 4}, {@code 0.5}. */
    static String seconds(Duration d) {
        return BigDecimal.valueOf(d.toMillis()).movePointLeft(3).stripTrailingZeros().toPlainString();
    }

    static ControlMessage withOptional(ControlMessage m, String field, Object value) {
        return value == null ? m : m.with(field, value);
    }

    static void requireArg(boolean ok, String what) {
        if (!ok) {
            throw new IllegalArgumentException(what);
        }
    }

    static String nonEmpty(String v, String what) {
        requireArg(v != null && !v.isEmpty(), what + " must not be empty");
        return v;
    }

    /** Fields of {@code m} whose key starts with {@code prefix}, the prefix cut off, in order (first value wins). */
    static Map<String, String> prefixed(ControlMessage m, String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> f : m.fields()) {
            if (f.getKey().startsWith(prefix) && f.getKey().length() > prefix.length()) {
                out.putIfAbsent(f.getKey().substring(prefix.length()), f.getValue());
            }
        }
        return out;
    }

    static ControlMessage withAll(ControlMessage m, String prefix, Map<String, String> fields) {
        for (Map.Entry<String, String> f : fields.entrySet()) {
            m = m.with(prefix + f.getKey(), f.getValue());
        }
        return m;
    }

    static <T> List<T> copy(List<T> l) {
        return l == null ? List.of() : List.copyOf(l);
    }

    static Map<String, String> copy(Map<String, String> m) {
        return m == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    static List<String> nonEmptyValues(List<String> values) {
        List<String> out = new ArrayList<>(values.size());
        for (String v : values) {
            if (!v.isEmpty()) {
                out.add(v);
            }
        }
        return out;
    }
}
