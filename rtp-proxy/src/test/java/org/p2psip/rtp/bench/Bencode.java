package org.p2psip.rtp.bench;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Bencode, as rtpengine's ng control protocol uses it: byte strings ({@code 4:spam}), integers
 * ({@code i42e}), lists ({@code l...e}) and dictionaries with byte-string keys ({@code d...e}).
 *
 * <p>In Java: a byte string is a {@link String} (UTF-8; SDP and the ng keys are ASCII), an integer
 * a {@link Long} (encode also takes {@link Integer}), a list a {@link List}, a dictionary a
 * {@link Map} with String keys. The encoder writes dictionary keys sorted by their bytes, as
 * bencode requires; the decoder keeps the order it reads, rejects trailing bytes, truncated input,
 * integers with leading zeros or {@code -0}, and non-string keys.
 */
final class Bencode {
    private Bencode() {
    }

    static byte[] encode(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, value);
        return out.toByteArray();
    }

    static Object decode(byte[] data) {
        return decode(data, 0, data.length);
    }

    /** Decodes exactly {@code length} bytes from {@code offset}: one value and nothing after it. */
    static Object decode(byte[] data, int offset, int length) {
        Reader r = new Reader(data, offset, offset + length);
        Object v = r.value();
        if (r.pos != r.end) {
            throw new IllegalArgumentException("bencode: " + (r.end - r.pos) + " trailing bytes at offset " + (r.pos - offset));
        }
        return v;
    }

    private static void write(ByteArrayOutputStream out, Object value) {
        if (value instanceof String s) {
            writeString(out, s.getBytes(StandardCharsets.UTF_8));
        } else if (value instanceof byte[] b) {
            writeString(out, b);
        } else if (value instanceof Long || value instanceof Integer) {
            out.writeBytes(("i" + value + "e").getBytes(StandardCharsets.US_ASCII));
        } else if (value instanceof List<?> list) {
            out.write('l');
            for (Object o : list) {
                write(out, o);
            }
            out.write('e');
        } else if (value instanceof Map<?, ?> map) {
            TreeMap<byte[], Object> sorted = new TreeMap<>(java.util.Arrays::compareUnsigned);
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String k)) {
                    throw new IllegalArgumentException("bencode: dictionary key is not a string: " + e.getKey());
                }
                if (sorted.put(k.getBytes(StandardCharsets.UTF_8), e.getValue()) != null) {
                    throw new IllegalArgumentException("bencode: duplicate key " + k);
                }
            }
            out.write('d');
            for (Map.Entry<byte[], Object> e : sorted.entrySet()) {
                writeString(out, e.getKey());
                write(out, e.getValue());
            }
            out.write('e');
        } else {
            throw new IllegalArgumentException("bencode: cannot encode " + (value == null ? "null" : value.getClass().getName()));
        }
    }

    private static void writeString(ByteArrayOutputStream out, byte[] b) {
        out.writeBytes((b.length + ":").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(b);
    }

    private static final class Reader {
        private final byte[] data;
        private final int end;
        private int pos;

        Reader(byte[] data, int pos, int end) {
            if (pos < 0 || end > data.length || pos > end) {
                throw new IndexOutOfBoundsException();
            }
            this.data = data;
            this.pos = pos;
            this.end = end;
        }

        Object value() {
            byte c = peek();
            switch (c) {
                case 'i': {
                    pos++;
                    long v = number('e');
                    return v;
                }
                case 'l': {
                    pos++;
                    List<Object> list = new ArrayList<>();
                    while (peek() != 'e') {
                        list.add(value());
                    }
                    pos++;
                    return list;
                }
                case 'd': {
                    pos++;
                    Map<String, Object> map = new LinkedHashMap<>();
                    while (peek() != 'e') {
                        if (peek() < '0' || peek() > '9') {
                            throw error("dictionary key is not a string");
                        }
                        String k = string();
                        if (map.put(k, value()) != null) {
                            throw error("duplicate key " + k);
                        }
                    }
                    pos++;
                    return map;
                }
                default:
                    if (c >= '0' && c <= '9') {
                        return string();
                    }
                    throw error("unexpected byte '" + (char) c + "'");
            }
        }

        private String string() {
            long len = number(':');
            if (len < 0 || len > end - pos) {
                throw error("string length " + len + " runs past the end");
            }
            String s = new String(data, pos, (int) len, StandardCharsets.UTF_8);
            pos += (int) len;
            return s;
        }

        /** Digits (with an optional minus) up to {@code terminator}, which is consumed. */
        private long number(char terminator) {
            int start = pos;
            boolean negative = peek() == '-';
            if (negative) {
                pos++;
            }
            int digits = pos;
            long v = 0;
            while (peek() != terminator) {
                byte d = data[pos];
                if (d < '0' || d > '9') {
                    throw error("bad digit '" + (char) d + "' in number");
                }
                v = Math.addExact(Math.multiplyExact(v, 10), d - '0');
                pos++;
            }
            int n = pos - digits;
            if (n == 0 || (n > 1 && data[digits] == '0') || (negative && data[digits] == '0')) {
                throw error("malformed number '" + new String(data, start, pos - start, StandardCharsets.US_ASCII) + "'");
            }
            pos++;
            return negative ? -v : v;
        }

        private byte peek() {
            if (pos >= end) {
                throw error("truncated input");
            }
            return data[pos];
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException("bencode: " + what + " at offset " + pos);
        }
    }
}
