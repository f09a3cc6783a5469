package org.p2psip.sip.proxy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.sip.address.SipURI;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.message.Message;
import org.p2psip.sip.registrar.Registrar;

/**
 * Whom the P2PSIP-Port forwards for: it is not an open relay. A request whose next hop the sender
 * chose (a Route value after this port's own, or the Request-URI of an in-dialog request) is forwarded
 * only to
 * <ul>
 * <li>another peer's P2PSIP-Port this port has a signalling SATO with: the overlay addresses the OM
 *     named in {@code sato.ready}, and those of ports whose requests arrived on the overlay listener
 *     ({@link #overlayPeer});</li>
 * <li>a phone registered here (a binding's contact or the flow its REGISTER came on);</li>
 * <li>an end of a dialog set up through this port: the Contacts of the initial request and of its
 *     responses ({@link #dialogRequest}, {@link #dialogResponse}).</li>
 * </ul>
 * Anything else is refused with 403 by the caller of {@link #refusal}. Initial requests routed by
 * the user part of their Request-URI (registrar and lookup service) are the port's service and not
 * limited here. Both tables are bounded (least recently used entries go first).
 */
final class ForwardingPolicy {
    /** Overlay addresses of other P2PSIP-Ports remembered. */
    static final int MAX_OVERLAY_PEERS = 4096;
    /** Dialogs (by Call-ID) whose ends are remembered. */
    static final int MAX_DIALOGS = 65536;
    /** Addresses remembered per dialog (forked calls add one per answering phone). */
    static final int MAX_ADDRESSES_PER_DIALOG = 8;

    private final Registrar registrar;
    private final Set<String> overlayPeers = Collections.synchronizedSet(Collections.newSetFromMap(lru(MAX_OVERLAY_PEERS)));
    private final Map<String, Set<String>> dialogs = Collections.synchronizedMap(lru(MAX_DIALOGS));

    ForwardingPolicy(Registrar registrar) {
        this.registrar = registrar;
    }

    private static <K, V> Map<K, V> lru(int max) {
        return new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > max;
            }
        };
    }

    private static String key(String host, int port) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return h.toLowerCase(Locale.ROOT) + ":" + port;
    }

    /** {@code host:port} is another peer's P2PSIP-Port overlay listener (a signalling SATO's far end). */
    void overlayPeer(String host, int port) {
        overlayPeers.add(key(host, port));
    }

    boolean isOverlayPeer(String host, int port) {
        return overlayPeers.contains(key(host, port));
    }

    /** An initial request forwarded by this port: its Contact is an end of the dialog it may set up. */
    void dialogRequest(Message request) {
        learn(request);
    }

    /** A response forwarded by this port: its Contact (the answering phone) is an end of the dialog. */
    void dialogResponse(Message response) {
        learn(response);
    }

    private void learn(Message m) {
        CallIdHeader id = (CallIdHeader) m.getHeader(CallIdHeader.NAME);
        ContactHeader c = (ContactHeader) m.getHeader(ContactHeader.NAME);
        if (id == null || c == null || c.getAddress() == null || !(c.getAddress().getURI() instanceof SipURI u)
                || u.getHost() == null) {
            return;
        }
        String where = key(u.getHost(), u.getPort() > 0 ? u.getPort() : 5060);
        Set<String> ends = dialogs.computeIfAbsent(id.getCallId(), k -> Collections.synchronizedSet(new LinkedHashSet<>()));
        if (ends.size() < MAX_ADDRESSES_PER_DIALOG) {
            ends.add(where);
        }
    }

    /** Null if a request of call {@code callId} may go to {@code hop}; else why not (for the 403). */
    String refusal(NextHop hop, String callId) {
        if (isOverlayPeer(hop.host(), hop.port()) || registrar.isRegisteredAddress(hop.host(), hop.port())) {
            return null;
        }
        Set<String> ends = callId == null ? null : dialogs.get(callId);
        if (ends != null && ends.contains(key(hop.host(), hop.port()))) {
            return null;
        }
        return "Forbidden (not a relay: " + hop.host() + ":" + hop.port()
                + " is neither a phone registered here, nor a peer with a SATO, nor in a dialog set up here)";
    }

    int overlayPeers() {
        return overlayPeers.size();
    }

    int dialogs() {
        return dialogs.size();
    }
}
