package org.p2psip.sip.transport;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.parser.MessageParser;
import gov.nist.javax.sip.parser.MessageParserFactory;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.parser.StringMsgParser;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import java.text.ParseException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * The P2PSIP-Port's SIP message parser, handed to JAIN-SIP through the stack property
 * {@value #PROPERTY}: the RI's parser, except that a second value of a header that RFC 3261 Sec. 7.3.1
 * allows only once (From, To, Call-ID, CSeq, Max-Forwards, Content-Length, Content-Type) is not
 * silently dropped, as the RI does, but noted in the message ({@link #duplicateHeader}), so that
 * request validation answers 400 (RFC 4475 3.1.2.1 {@code mcl01}, 3.1.2.19 {@code multi01}).
 */
public final class SipParserFactory implements MessageParserFactory {
    /** The RI's stack property naming the factory class. */
    public static final String PROPERTY = "gov.nist.javax.sip.MESSAGE_PARSER_FACTORY";
    private static final String MARK = "P2PSIP-Duplicate-Header: ";
    private static final String SEEN = "P2PSIP-Seen-Header: ";
    /** Header names (long and compact, lower case) that may appear once, to their canonical name. */
    private static final Map<String, String> SINGLE = Map.ofEntries(
            Map.entry("from", "From"), Map.entry("f", "From"), Map.entry("to", "To"), Map.entry("t", "To"),
            Map.entry("call-id", "Call-ID"), Map.entry("i", "Call-ID"), Map.entry("cseq", "CSeq"),
            Map.entry("max-forwards", "Max-Forwards"), Map.entry("content-length", "Content-Length"),
            Map.entry("l", "Content-Length"), Map.entry("content-type", "Content-Type"), Map.entry("c", "Content-Type"));

    @Override
    public MessageParser createMessageParser(SIPTransactionStack stack) {
        return new Parser();
    }

    /** The name of a header the message carried more than once though it may appear once, or null. */
    public static String duplicateHeader(SIPMessage msg) {
        for (Iterator<String> it = msg.getUnrecognizedHeaders(); it.hasNext(); ) {
            String h = it.next();
            if (h.startsWith(MARK)) {
                return h.substring(MARK.length());
            }
        }
        return null;
    }

    private static void noteOccurrence(SIPMessage message, String name) {
        boolean seen = false;
        for (Iterator<String> it = message.getUnrecognizedHeaders(); it.hasNext(); ) {
            String h = it.next();
            if (h.startsWith(MARK)) {
                return; // one is enough
            }
            seen |= h.equals(SEEN + name);
        }
        message.addUnparsed(seen ? MARK + name : SEEN + name);
    }

    /** The RI's {@link StringMsgParser} noting repeated single-value headers. */
    static final class Parser extends StringMsgParser {
        @Override
        protected void processHeader(String header, SIPMessage message, ParseExceptionListener listener, byte[] raw)
                throws ParseException {
            int colon = header == null ? -1 : header.indexOf(':');
            if (colon > 0) {
                String name = SINGLE.get(header.substring(0, colon).trim().toLowerCase(Locale.ROOT));
                if (name != null) {
                    noteOccurrence(message, name);
                }
            }
            super.processHeader(header, message, listener, raw);
        }
    }
}
