package org.p2psip.sip.proxy;

import gov.nist.javax.sip.message.SIPMessage;
import java.text.ParseException;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import javax.sip.ClientTransaction;
import javax.sip.InvalidArgumentException;
import javax.sip.SipException;
import javax.sip.address.URI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a call at this P2PSIP-Port's own phone, as a dialog-aware proxy does (Kamailio's dialog
 * module ends dialogs this way): when the Overlay Manager reports a call's media dead (issue:
 * disconnected operation), the phone gets a BYE inside its dialog, as if from the far party, with a
 * {@code Reason} header (RFC 3326) saying why. The dialog is taken from the INVITE and its 2xx as
 * they crossed this proxy: for the caller's phone (the INVITE came from the UA side) the BYE goes to
 * the INVITE's Contact at the address the INVITE came from; for the callee's phone (the INVITE went
 * out to the UA side) to the 2xx's Contact over the branch's flow. Sent in a client transaction of
 * its own (retransmitted over UDP); its answer needs no handling.
 */
final class PhoneBye {
    private static final Logger log = LoggerFactory.getLogger(PhoneBye.class);
    /** Above the caller's CSeq numbers still to come in the dialog (a few re-INVITEs or INFOs). */
    private static final long CSEQ_HEADROOM = 100;

    private final Interfaces ifs;
    private final MessageFactory messages;
    private final HeaderFactory headers;

    PhoneBye(Interfaces ifs, MessageFactory messages, HeaderFactory headers) {
        this.ifs = ifs;
        this.messages = messages;
        this.headers = headers;
    }

    /**
     * What ends the dialog the INVITE {@code invite} and its 2xx {@code ok} set up, at this port's
     * own phone: {@code in} is the side the INVITE came from, {@code branch} the branch the 2xx
     * came back on. Null if neither end is on this port's UA side.
     */
    Consumer<String> forDialog(Request invite, Response ok, Side in, String inTransport, Branch branch) {
        try {
            ContactHeader okContact = (ContactHeader) ok.getHeader(ContactHeader.NAME);
            ContactHeader inviteContact = (ContactHeader) invite.getHeader(ContactHeader.NAME);
            FromHeader from = (FromHeader) invite.getHeader(FromHeader.NAME);
            ToHeader to = (ToHeader) ok.getHeader(ToHeader.NAME);
            CallIdHeader callId = (CallIdHeader) invite.getHeader(CallIdHeader.NAME);
            long cseq = ((CSeqHeader) invite.getHeader(CSeqHeader.NAME)).getSeqNumber();
            if (in == Side.UA && inviteContact != null && to.getTag() != null) {
                // the caller's phone: From = the far party (the 2xx's To), To = the phone (the INVITE's From)
                ViaHeader via = (ViaHeader) invite.getHeader(ViaHeader.NAME);
                String host = via.getReceived() != null ? via.getReceived() : via.getHost();
                int port = via.getRPort() > 0 ? via.getRPort() : via.getPort() > 0 ? via.getPort() : 5060;
                NextHop hop = new NextHop(host, port, inTransport);
                URI target = (URI) inviteContact.getAddress().getURI().clone();
                FromHeader byeFrom = headers.createFromHeader(to.getAddress(), to.getTag());
                ToHeader byeTo = headers.createToHeader(from.getAddress(), from.getTag());
                return reason -> send(target, byeFrom, byeTo, callId.getCallId(), 1, hop, reason);
            }
            if (branch != null && branch.out == Side.UA && branch.hop != null && okContact != null && to.getTag() != null) {
                // the callee's phone: From = the caller (the INVITE's From), To = the phone (the 2xx's To)
                NextHop hop = branch.hop;
                URI target = (URI) okContact.getAddress().getURI().clone();
                FromHeader byeFrom = headers.createFromHeader(from.getAddress(), from.getTag());
                ToHeader byeTo = headers.createToHeader(to.getAddress(), to.getTag());
                return reason -> send(target, byeFrom, byeTo, callId.getCallId(), cseq + CSEQ_HEADROOM, hop, reason);
            }
        } catch (ParseException | RuntimeException e) {
            log.debug("no way to end call at the phone: {}", e.getMessage());
        }
        return null;
    }

    private void send(URI target, FromHeader from, ToHeader to, String callId, long cseq, NextHop hop, String reason) {
        try {
            String transport = hop.transport() == null ? "udp" : hop.transport();
            ViaHeader via = ifs.via(Side.UA, transport, "z9hG4bK-p2psip-bye-" + UUID.randomUUID());
            MaxForwardsHeader mf = headers.createMaxForwardsHeader(70);
            Request bye = messages.createRequest(target, Request.BYE, headers.createCallIdHeader(callId),
                    headers.createCSeqHeader(cseq, Request.BYE), from, to, List.of(via), mf);
            bye.addHeader(headers.createReasonHeader("SIP", 408, reason));
            ((SIPMessage) bye).setApplicationData(hop);
            ClientTransaction ct = ifs.provider(Side.UA).getNewClientTransaction(bye);
            ct.sendRequest();
            log.info("call {}: BYE sent to the phone at {}:{} ({})", callId, hop.host(), hop.port(), reason);
        } catch (ParseException | InvalidArgumentException | SipException | RuntimeException e) {
            log.warn("call {}: BYE to the phone not sent: {}", callId, e.getMessage());
        }
    }
}
