package org.p2psip.sip.proxy;

import org.p2psip.sip.overlay.PeerRecord;
import org.p2psip.sip.registrar.Binding;

/** Where one branch of a forwarded request goes: a contact registered here, or another peer of the overlay. */
sealed interface Target {
    /** A contact in this port's own registrar. */
    record Local(Binding binding) implements Target {
    }

    /** A peer the lookup service names (reached over a signalling SATO). */
    record Remote(PeerRecord peer) implements Target {
    }

    /** A fixed next hop: the Route set or Request-URI of a request already routed (in-dialog). */
    record Fixed(NextHop hop, Side side) implements Target {
    }
}
