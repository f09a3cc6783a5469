package org.p2psip.lookup.chord;

import static org.p2psip.lookup.chord.WireMessages.*;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.p2psip.lookup.Limits;
import org.p2psip.lookup.ring.Id;
import org.p2psip.lookup.store.StoredRecord;
import org.p2psip.lookup.wire.MalformedFrameException;
import org.p2psip.lookup.wire.PayloadReader;
import org.p2psip.lookup.wire.PayloadWriter;
import org.p2psip.lookup.wire.RequestHandler;
import org.p2psip.lookup.wire.UnknownTypeException;

/** Decodes the requests that arrive at a {@link ChordNode}, runs them, and encodes the answers. */
final class NodeRequestHandler implements RequestHandler {
    private final ChordNode node;

    NodeRequestHandler(ChordNode node) {
        this.node = node;
    }

    @Override
    public byte[] handle(int type, byte[] payload) throws MalformedFrameException {
        return handle(type, payload, null);
    }

    /**
     * @param caller the Node-ID in the sending node's certificate (secured wire), or null: a node that
     *               speaks for itself (NOTIFY, JOINED, TRANSFER, LEAVING_*) must be that node ({@link ClaimedIds})
     */
    @Override
    public byte[] handle(int type, byte[] payload, Id caller) throws MalformedFrameException {
        return handle(type, payload, caller, null);
    }

    /**
     * @param source the connection's remote address: with {@code caller}, who wrote a put
     *               ({@link org.p2psip.lookup.store.StoreLimits#maxValuesPerWriter()})
     */
    @Override
    public byte[] handle(int type, byte[] payload, Id caller, java.net.InetAddress source) throws MalformedFrameException {
        PayloadReader r = new PayloadReader(payload);
        PayloadWriter w = new PayloadWriter();
        long now = System.currentTimeMillis();
        switch (type) {
            case PING: {
                r.end();
                node.requireJoined();
                writeNode(w, node.parts().self());
                break;
            }
            case NEIGHBOURS: {
                r.end();
                node.requireJoined();
                writeOptNode(w, node.parts().table().predecessor());
                writeNodes(w, node.parts().table().successors());
                break;
            }
            case NOTIFY: {
                NodeRef n = readNode(r);
                r.end();
                ClaimedIds.require(caller, n, "NOTIFY");
                node.onNotify(n);
                break;
            }
            case JOINED: {
                NodeRef n = readNode(r);
                r.end();
                ClaimedIds.require(caller, n, "JOINED");
                node.onJoinedAfter(n);
                break;
            }
            case FIND_STEP: {
                Id target = readId(r);
                Set<Id> exclude = new HashSet<>(readIds(r));
                r.end();
                node.requireJoined();
                ChordRpc.Step s = node.parts().router().localStep(target, exclude);
                w.u8(s.found() ? 1 : 2);
                writeNodes(w, s.nodes());
                break;
            }
            case STORE_PUT: {
                String key = r.string();
                String value = r.string();
                long ttl = r.u32();
                r.end();
                Limits.checkTtl(ttl);
                node.acceptPut(key, value, (int) ttl, caller != null ? "node " + caller.toHex()
                        : source != null ? "address " + source.getHostAddress() : null);
                break;
            }
            case STORE_GET: {
                String key = r.string();
                r.end();
                node.requireJoined();
                Limits.checkKey(key);
                writeStrings(w, node.localValues(key));
                break;
            }
            case STORE_REMOVE: {
                String key = r.string();
                String value = r.string();
                r.end();
                node.acceptRemove(key, value);
                break;
            }
            case REPLICATE: {
                List<StoredRecord> recs = readRecords(r, now);
                r.end();
                node.requireJoined();
                for (StoredRecord rec : recs) {
                    node.parts().store().merge(rec);
                }
                break;
            }
            case TRANSFER: {
                NodeRef joining = readNode(r);
                Id after = r.bool() ? readId(r) : null;
                r.end();
                ClaimedIds.require(caller, joining, "TRANSFER");
                node.requireJoined();
                List<StoredRecord> page = node.parts().keyTransfer().page(joining, after);
                writeRecords(w, page, now);
                Id last = page.isEmpty() ? null : page.get(page.size() - 1).keyId();
                w.bool(last != null);
                w.bool(last != null);
                if (last != null) {
                    writeId(w, last);
                }
                break;
            }
            case LEAVING_TO_SUCCESSOR: {
                NodeRef leaving = readNode(r);
                NodeRef pred = readOptNode(r);
                r.end();
                ClaimedIds.require(caller, leaving, "LEAVING");
                node.onLeavingSuccessorSide(leaving, pred);
                break;
            }
            case LEAVING_TO_PREDECESSOR: {
                NodeRef leaving = readNode(r);
                List<NodeRef> succs = readNodes(r);
                r.end();
                ClaimedIds.require(caller, leaving, "LEAVING");
                node.onLeavingPredecessorSide(leaving, succs);
                break;
            }
            case STATUS: {
                r.end();
                writeStatus(w, node.status());
                break;
            }
            case CLIENT_PUT: {
                String key = r.string();
                String value = r.string();
                long ttl = r.u32();
                r.end();
                Limits.checkTtl(ttl);
                w.u16(Math.min(0xffff, node.putSync(key, value, (int) ttl)));
                break;
            }
            case CLIENT_GET: {
                String key = r.string();
                r.end();
                StoreRouting.GetResult g = node.getSync(key);
                w.u16(Math.min(0xffff, g.hops()));
                writeStrings(w, g.values());
                break;
            }
            case CLIENT_REMOVE: {
                String key = r.string();
                String value = r.string();
                r.end();
                w.u16(Math.min(0xffff, node.removeSync(key, value)));
                break;
            }
            case CLIENT_LOOKUP: {
                String key = r.string();
                r.end();
                Limits.checkKey(key);
                LookupResult res = node.findSuccessor(Id.hash(key));
                w.u16(Math.min(0xffff, res.hops()));
                writeNodes(w, res.successors());
                break;
            }
            default:
                throw new UnknownTypeException(type);
        }
        return w.toBytes();
    }
}
