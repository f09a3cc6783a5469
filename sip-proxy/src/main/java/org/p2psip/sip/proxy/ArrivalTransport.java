package org.p2psip.sip.proxy;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.stack.MessageChannel;
import java.text.ParseException;
import java.util.Locale;
import javax.sip.header.HeaderFactory;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a received request answerable where RFC 3261 Sec. 18.2.2 says, before any transaction exists:
 * <ul>
 * <li>the top Via's transport is made the one the request arrived on. JAIN-SIP sends a response by
 *     the transport the Via names, so a Via {@code TLS} over UDP (RFC 4475 {@code bext01}) got no
 *     answer at all and a Via {@code TCP} over UDP an attempt to connect back; now a request that came
 *     over UDP is answered over UDP to its source address ({@code received}) and sent-by or
 *     {@code rport} port, one that came over TCP on its own connection;</li>
 * <li>a request without Max-Forwards (an RFC 2543 client, RFC 4475 {@code inv2543}) gets one of 70
 *     (RFC 3261 16.6 step 3), since the RI refuses a server transaction for it and it would go
 *     unanswered.</li>
 * </ul>
 */
final class ArrivalTransport {
    private static final Logger log = LoggerFactory.getLogger(ArrivalTransport.class);
    private static final int DEFAULT_MAX_FORWARDS = 70;

    private final HeaderFactory headers;

    ArrivalTransport(HeaderFactory headers) {
        this.headers = headers;
    }

    void prepare(Request req) {
        ViaHeader top = (ViaHeader) req.getHeader(ViaHeader.NAME);
        String arrived = arrivalTransport(req);
        if (top != null && arrived != null && !arrived.equalsIgnoreCase(top.getTransport())) {
            try {
                log.debug("{} from {} names {} in its Via but came over {}: answered over {}", req.getMethod(),
                        top.getHost(), top.getTransport(), arrived, arrived);
                top.setTransport(arrived);
            } catch (ParseException e) {
                log.debug("cannot set the Via transport: {}", e.getMessage());
            }
        }
        if (req.getHeader(MaxForwardsHeader.NAME) == null) {
            try {
                req.addHeader(headers.createMaxForwardsHeader(DEFAULT_MAX_FORWARDS));
            } catch (javax.sip.InvalidArgumentException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static String arrivalTransport(Request req) {
        if (req instanceof SIPRequest r && r.getMessageChannel() instanceof MessageChannel ch) {
            return ch.getTransport() == null ? null : ch.getTransport().toUpperCase(Locale.ROOT);
        }
        return null;
    }
}
