package org.p2psip.lookup.chord;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.p2psip.lookup.Limits;
import org.p2psip.lookup.LookupException;
import org.p2psip.lookup.ring.Id;
import org.p2psip.lookup.store.StoredRecord;
import org.p2psip.lookup.wire.MalformedFrameException;
import org.p2psip.lookup.wire.PayloadReader;
import org.p2psip.lookup.wire.PayloadWriter;

/**
 * Message types of the chord-lookup protocol (version 1) and the encoding of the values they carry.
 * The README of this module has the full table.
 */
public final class WireMessages {
    private WireMessages() {
    }

    // node <-> node (Chord)
    public static final int PING = 1;
    public static final int NEIGHBOURS = 2;
    public static final int NOTIFY = 3;
    public static final int FIND_STEP = 4;
    // node <-> node (store)
    public static final int STORE_PUT = 5;
    public static final int STORE_GET = 6;
    public static final int STORE_REMOVE = 7;
    public static final int REPLICATE = 8;
    public static final int TRANSFER = 9;
    public static final int LEAVING_TO_SUCCESSOR = 10;
    public static final int LEAVING_TO_PREDECESSOR = 11;
    public static final int STATUS = 12;
    /** A node that has just joined tells its predecessor, which adopts it as successor at once (not at its next stabilize). */
    public static final int JOINED = 13;
    // client -> any node (the node does the whole operation)
    public static final int CLIENT_PUT = 16;
    public static final int CLIENT_GET = 17;
    public static final int CLIENT_REMOVE = 18;
    public static final int CLIENT_LOOKUP = 19;

    static final int MAX_NODES = 255;
    static final int MAX_HOST_CHARS = 255;
    /** Replication and transfer batches stay below this many bytes. */
    static final int BATCH_BYTES = 256 * 1024;

    public static void writeId(PayloadWriter w, Id id) {
        w.raw(id.toBytes());
    }

    public static Id readId(PayloadReader r) throws MalformedFrameException {
        return Id.fromBytes(r.raw(Id.BYTES));
    }

    public static void writeNode(PayloadWriter w, NodeRef n) {
        writeId(w, n.id());
        w.string(n.host());
        w.u16(n.port());
    }

    public static NodeRef readNode(PayloadReader r) throws MalformedFrameException {
        Id id = readId(r);
        String host = r.string();
        if (host.isEmpty() || host.length() > MAX_HOST_CHARS) {
            throw new MalformedFrameException("bad host name in node reference");
        }
        int port = r.u16();
        return new NodeRef(id, host, port);
    }

    public static void writeOptNode(PayloadWriter w, NodeRef n) {
        w.bool(n != null);
        if (n != null) {
            writeNode(w, n);
        }
    }

    public static NodeRef readOptNode(PayloadReader r) throws MalformedFrameException {
        return r.bool() ? readNode(r) : null;
    }

    public static void writeNodes(PayloadWriter w, List<NodeRef> nodes) {
        int n = Math.min(nodes.size(), MAX_NODES);
        w.u8(n);
        for (int i = 0; i < n; i++) {
            writeNode(w, nodes.get(i));
        }
    }

    public static List<NodeRef> readNodes(PayloadReader r) throws MalformedFrameException {
        int n = r.u8();
        List<NodeRef> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(readNode(r));
        }
        return out;
    }

    public static void writeIds(PayloadWriter w, Collection<Id> ids) {
        int n = Math.min(ids.size(), MAX_NODES);
        w.u8(n);
        int i = 0;
        for (Id id : ids) {
            if (i++ == n) {
                break;
            }
            writeId(w, id);
        }
    }

    public static List<Id> readIds(PayloadReader r) throws MalformedFrameException {
        int n = r.u8();
        List<Id> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(readId(r));
        }
        return out;
    }

    /** key, value, stamp (i64), remaining lifetime in ms (i64), tombstone (u8). */
    public static void writeRecord(PayloadWriter w, StoredRecord rec, long now) {
        w.string(rec.key());
        w.string(rec.value());
        w.i64(rec.stamp());
        w.i64(Math.max(0, rec.expiresAt() - now));
        w.bool(rec.tombstone());
    }

    public static StoredRecord readRecord(PayloadReader r, long now) throws MalformedFrameException {
        String key = r.string();
        String value = r.string();
        long stamp = r.i64();
        long remaining = r.i64();
        boolean tomb = r.bool();
        if (remaining < 0 || remaining > Limits.MAX_TTL_SECONDS * 1000L) {
            throw new MalformedFrameException("record lifetime out of range: " + remaining + " ms");
        }
        try {
            Limits.checkKey(key);
            Limits.checkValue(value);
        } catch (LookupException e) {
            throw new MalformedFrameException("bad record: " + e.getMessage());
        }
        return new StoredRecord(key, Id.hash(key), value, stamp, now + remaining, tomb);
    }

    public static void writeRecords(PayloadWriter w, List<StoredRecord> recs, long now) {
        w.u32(recs.size());
        for (StoredRecord rec : recs) {
            writeRecord(w, rec, now);
        }
    }

    public static List<StoredRecord> readRecords(PayloadReader r, long now) throws MalformedFrameException {
        long n = r.u32();
        if (n > r.remaining()) {
            throw new MalformedFrameException("record count " + n + " exceeds payload");
        }
        List<StoredRecord> out = new ArrayList<>((int) n);
        for (long i = 0; i < n; i++) {
            out.add(readRecord(r, now));
        }
        return out;
    }

    public static void writeStrings(PayloadWriter w, List<String> values) {
        w.u32(values.size());
        for (String v : values) {
            w.string(v);
        }
    }

    public static List<String> readStrings(PayloadReader r) throws MalformedFrameException {
        long n = r.u32();
        if (n > r.remaining()) {
            throw new MalformedFrameException("string count " + n + " exceeds payload");
        }
        List<String> out = new ArrayList<>((int) n);
        for (long i = 0; i < n; i++) {
            out.add(r.string());
        }
        return out;
    }

    public static void writeStatus(PayloadWriter w, NodeStatus s) {
        writeNode(w, s.self());
        w.bool(s.joined());
        writeOptNode(w, s.predecessor());
        writeNodes(w, s.successors());
        writeNodes(w, s.fingers());
        w.u32(s.keys());
        w.u32(s.values());
        w.u32(s.primaryKeys());
        w.i64(s.lookups());
        w.i64(Double.doubleToLongBits(s.meanHops()));
        w.u32(s.ringSize());
        w.bool(s.ringSizeExact());
        w.i64(s.lastMergeMillis());
        w.i64(s.merges());
    }

    public static NodeStatus readStatus(PayloadReader r) throws MalformedFrameException {
        NodeRef self = readNode(r);
        boolean joined = r.bool();
        NodeRef pred = readOptNode(r);
        List<NodeRef> succ = readNodes(r);
        List<NodeRef> fingers = readNodes(r);
        int keys = (int) r.u32();
        int values = (int) r.u32();
        int primary = (int) r.u32();
        long lookups = r.i64();
        double mean = Double.longBitsToDouble(r.i64());
        if (r.remaining() == 0) {
            // a node from before ring unification: no ring count, no merges
            return new NodeStatus(self, joined, pred, succ, fingers, keys, values, primary, lookups, mean);
        }
        int ringSize = (int) Math.min(Integer.MAX_VALUE, r.u32());
        boolean exact = r.bool();
        long lastMerge = r.i64();
        long merges = r.i64();
        return new NodeStatus(self, joined, pred, succ, fingers, keys, values, primary, lookups, mean, ringSize, exact,
                lastMerge, merges);
    }
}
