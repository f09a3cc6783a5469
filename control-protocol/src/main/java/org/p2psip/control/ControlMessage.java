package org.p2psip.control;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * One frame of the control protocol: a kind, a correlation id, a type such as {@code rtp.allocate},
 * and an ordered list of string fields. A key may repeat (multi-valued answers such as the peers a
 * user is registered at). Instances are immutable; build them with {@link #request(String)},
 * {@link #event(String)} or {@link #responseTo(ControlMessage)} and {@link #with(String, Object)}.
 * A chain of {@code with} calls costs time linear in the fields (a page of {@code rtp.stats} has
 * thousands): a message shares its predecessor's field array and appends in place when nobody has
 * appended to that predecessor yet, and copies only when a message is extended twice.
 */
public final class ControlMessage {

    /** What a frame is. The numeric code is what goes on the wire. */
    public enum Kind {
        REQUEST(1), RESPONSE(2), ERROR(3), EVENT(4);

        final int code;

        Kind(int code) {
            this.code = code;
        }

        static Kind of(int code) {
            for (Kind k : values()) {
                if (k.code == code) {
                    return k;
                }
            }
            return null;
        }
    }

    private final Kind kind;
    private final int id;
    private final String type;
    /** The fields: the first {@code size} entries of a shared append-only array. */
    private final Fields fields;
    private final int size;

    /** The field array messages of one chain share; entries below a message's size never change. */
    private static final class Fields {
        final Map.Entry<String, String>[] items;
        /** Entries set so far: a message whose size equals it may append in place. */
        int used;

        @SuppressWarnings("unchecked")
        Fields(int capacity) {
            items = (Map.Entry<String, String>[]) new Map.Entry[Math.max(4, capacity)];
        }
    }

    /** A read-only view of a message's fields. */
    private static final class View extends AbstractList<Map.Entry<String, String>> implements RandomAccess {
        private final Map.Entry<String, String>[] items;
        private final int size;

        View(Map.Entry<String, String>[] items, int size) {
            this.items = items;
            this.size = size;
        }

        @Override
        public Map.Entry<String, String> get(int index) {
            Objects.checkIndex(index, size);
            return items[index];
        }

        @Override
        public int size() {
            return size;
        }
    }

    private static final Fields NONE = new Fields(0);

    ControlMessage(Kind kind, int id, String type, List<Map.Entry<String, String>> fields) {
        this.kind = Objects.requireNonNull(kind);
        this.id = id;
        this.type = Objects.requireNonNull(type);
        Fields f = new Fields(fields.size());
        for (Map.Entry<String, String> e : fields) {
            f.items[f.used++] = e;
        }
        this.fields = f;
        this.size = f.used;
    }

    private ControlMessage(Kind kind, int id, String type, Fields fields, int size) {
        this.kind = kind;
        this.id = id;
        this.type = type;
        this.fields = fields;
        this.size = size;
    }

    public static ControlMessage request(String type) {
        return new ControlMessage(Kind.REQUEST, 0, Objects.requireNonNull(type), NONE, 0);
    }

    public static ControlMessage event(String type) {
        return new ControlMessage(Kind.EVENT, 0, Objects.requireNonNull(type), NONE, 0);
    }

    /** An empty successful answer to {@code request}. */
    public static ControlMessage responseTo(ControlMessage request) {
        return new ControlMessage(Kind.RESPONSE, request.id, request.type, NONE, 0);
    }

    static ControlMessage errorTo(ControlMessage request, ErrorCode code, String message) {
        return new ControlMessage(Kind.ERROR, request.id, request.type, NONE, 0)
                .with(MessageTypes.F_CODE, code.name())
                .with(MessageTypes.F_MESSAGE, message == null ? "" : message);
    }

    /** A copy with one more field; {@code value} is written with {@code String.valueOf}. */
    public ControlMessage with(String key, Object value) {
        Objects.requireNonNull(key);
        Objects.requireNonNull(value, () -> "value of " + key);
        return append(Map.entry(key, String.valueOf(value)));
    }

    private ControlMessage append(Map.Entry<String, String> e) {
        Fields f = fields;
        if (f != NONE) {
            synchronized (f) {
                if (f.used == size && size < f.items.length) {
                    f.items[size] = e;
                    f.used++;
                    return new ControlMessage(kind, id, type, f, size + 1);
                }
            }
        }
        Fields copy = new Fields(size < 4 ? 8 : size * 2);
        System.arraycopy(f.items, 0, copy.items, 0, size);
        copy.items[size] = e;
        copy.used = size + 1;
        return new ControlMessage(kind, id, type, copy, size + 1);
    }

    /** A copy with one field per value, all under the same key. */
    public ControlMessage withAll(String key, Iterable<?> values) {
        ControlMessage m = this;
        for (Object v : values) {
            m = m.append(Map.entry(key, String.valueOf(v)));
        }
        return m;
    }

    /** A copy without the fields under {@code key} (this message if it has none). */
    ControlMessage without(String key) {
        if (get(key) == null) {
            return this;
        }
        List<Map.Entry<String, String>> copy = new ArrayList<>(size);
        for (Map.Entry<String, String> f : fields()) {
            if (!f.getKey().equals(key)) {
                copy.add(f);
            }
        }
        return new ControlMessage(kind, id, type, copy);
    }

    ControlMessage withId(int newId) {
        return new ControlMessage(kind, newId, type, fields, size);
    }

    public Kind kind() {
        return kind;
    }

    public int id() {
        return id;
    }

    public String type() {
        return type;
    }

    public List<Map.Entry<String, String>> fields() {
        return new View(fields.items, size);
    }

    /** The first value under {@code key}, or null. */
    public String get(String key) {
        Map.Entry<String, String>[] items = fields.items;
        for (int i = 0; i < size; i++) {
            if (items[i].getKey().equals(key)) {
                return items[i].getValue();
            }
        }
        return null;
    }

    public String get(String key, String fallback) {
        String v = get(key);
        return v == null ? fallback : v;
    }

    /** Every value under {@code key}, in order. */
    public List<String> getAll(String key) {
        List<String> out = new ArrayList<>();
        Map.Entry<String, String>[] items = fields.items;
        for (int i = 0; i < size; i++) {
            if (items[i].getKey().equals(key)) {
                out.add(items[i].getValue());
            }
        }
        return out;
    }

    /** The value under {@code key}; a missing field is the sender's mistake: {@link ErrorCode#BAD_REQUEST}. */
    public String require(String key) throws ControlException {
        String v = get(key);
        if (v == null || v.isEmpty()) {
            throw new ControlException(ErrorCode.BAD_REQUEST, type + ": missing field '" + key + "'");
        }
        return v;
    }

    public long requireLong(String key) throws ControlException {
        String v = require(key);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new ControlException(ErrorCode.BAD_REQUEST, type + ": field '" + key + "' is not a number: " + v);
        }
    }

    public int requireInt(String key) throws ControlException {
        long v = requireLong(key);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new ControlException(ErrorCode.BAD_REQUEST, type + ": field '" + key + "' out of range: " + v);
        }
        return (int) v;
    }

    public long getLong(String key, long fallback) {
        return longOr(get(key), fallback);
    }

    /** {@code text} as a long, or {@code fallback} when it is absent or not a number. */
    public static long longOr(String text, long fallback) {
        if (text == null) {
            return fallback;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** For an {@link Kind#ERROR} frame: the exception it stands for. */
    public ControlException toException() {
        return new ControlException(ErrorCode.parse(get(MessageTypes.F_CODE)), get(MessageTypes.F_MESSAGE, type + " failed"));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder().append(kind).append(' ').append(type);
        if (id != 0) {
            sb.append('#').append(id);
        }
        sb.append(' ').append('{');
        for (int i = 0; i < size; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(fields.items[i].getKey()).append('=').append(fields.items[i].getValue());
        }
        return sb.append('}').toString();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ControlMessage)) {
            return false;
        }
        ControlMessage m = (ControlMessage) o;
        return kind == m.kind && id == m.id && type.equals(m.type) && fields().equals(m.fields());
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, id, type, fields());
    }
}
