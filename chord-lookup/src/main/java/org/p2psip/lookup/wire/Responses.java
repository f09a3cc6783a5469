package org.p2psip.lookup.wire;

import org.p2psip.lookup.LookupException;
import org.p2psip.lookup.LookupException.Reason;
import org.p2psip.lookup.ring.Address;

/**
 * The payload of a response frame: a status byte ({@link ErrorCodes#OK} followed by the body, or an
 * error code followed by a message string). Shared by both transports.
 */
final class Responses {
    private Responses() {
    }

    /**
     * Serves one request: the handler's body as an OK response, or the error response a
     * {@link LookupException} or an unknown message type gives. A malformed request is thrown on (the
     * transport closes the connection).
     */
    static byte[] answer(RequestHandler handler, int type, byte[] payload) throws MalformedFrameException {
        return answer(handler, type, payload, null);
    }

    /** {@link #answer(RequestHandler, int, byte[])} for a request from an authenticated node ({@code caller}, null if none). */
    static byte[] answer(RequestHandler handler, int type, byte[] payload, org.p2psip.lookup.ring.Id caller) throws MalformedFrameException {
        return answer(handler, type, payload, caller, null);
    }

    /** {@link #answer(RequestHandler, int, byte[], org.p2psip.lookup.ring.Id)} for a request that came from {@code source}. */
    static byte[] answer(RequestHandler handler, int type, byte[] payload, org.p2psip.lookup.ring.Id caller,
            java.net.InetAddress source) throws MalformedFrameException {
        try {
            byte[] ok = handler.handle(type, payload, caller, source);
            byte[] body = new byte[ok.length + 1];
            System.arraycopy(ok, 0, body, 1, ok.length);
            return body;
        } catch (LookupException e) {
            return error(ErrorCodes.of(e.reason()), e.getMessage());
        } catch (UnknownTypeException e) {
            return error(ErrorCodes.UNKNOWN_TYPE, e.getMessage());
        }
    }

    /** An error response: the code and the message (cut at 2000 characters). */
    static byte[] error(int code, String message) {
        String m = message == null ? "" : message;
        if (m.length() > 2000) {
            m = m.substring(0, 2000);
        }
        return new PayloadWriter().u8(code).string(m).toBytes();
    }

    /** The body of an OK response, or the error it carries as a LookupException. */
    static byte[] unwrap(Address from, byte[] payload) {
        if (payload.length == 0) {
            throw new RpcFailure(Reason.PROTOCOL, "empty response from " + from);
        }
        int status = payload[0] & 0xff;
        if (status == ErrorCodes.OK) {
            byte[] body = new byte[payload.length - 1];
            System.arraycopy(payload, 1, body, 0, body.length);
            return body;
        }
        String msg;
        try {
            msg = new PayloadReader(payload, 1).string();
        } catch (MalformedFrameException e) {
            throw new RpcFailure(Reason.PROTOCOL, "malformed error response from " + from);
        }
        if (status == ErrorCodes.VERSION_MISMATCH) {
            throw new RpcFailure(Reason.PROTOCOL, "node " + from + ": " + msg);
        }
        throw new LookupException(ErrorCodes.reason(status), "node " + from + ": " + msg);
    }

    /** What an unsolicited response says (e.g. the version mismatch a server sends before it closes). */
    static String describe(Frame f) {
        try {
            unwrap(new Address("peer", 0), f.payload());
            return "unexpected answer";
        } catch (LookupException e) {
            return e.getMessage();
        }
    }
}
