package org.p2psip.sip.transport;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.fail;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.parser.StringMsgParser;
import org.junit.Test;

/**
 * A connection's message handling: an unexpected failure handling one message (a runtime exception)
 * must not end the connection (the RI's parser thread closes it on anything thrown), the RI's own
 * refusals (checked exceptions) still do.
 */
public class MessageHandlingTest {
    private static SIPRequest invite() throws Exception {
        return (SIPRequest) new StringMsgParser().parseSIPMessage(("INVITE sip:bob@127.0.0.1 SIP/2.0\r\n"
                + "Via: SIP/2.0/TCP 127.0.0.1:5070;branch=z9hG4bKmh1\r\nMax-Forwards: 70\r\n"
                + "From: <sip:alice@127.0.0.1>;tag=a\r\nTo: <sip:bob@127.0.0.1>\r\nCall-ID: mh-1\r\n"
                + "CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n").getBytes(), true, false, null);
    }

    @Test
    public void aRuntimeFailureIsLoggedAndTheConnectionGoesOn() throws Exception {
        int[] handled = {0};
        long before = MessageHandling.failures();
        MessageHandling.guarded("tcp:127.0.0.1:5070", invite(), () -> {
            handled[0]++;
            throw new IllegalStateException("a bug in the listener");
        });
        assertEquals(1, handled[0]); // returned normally: the RI's parser reads the next message
        assertEquals(before + 1, MessageHandling.failures());
    }

    @Test
    public void theStacksOwnRefusalStillEndsTheConnection() throws Exception {
        Exception refusal = new Exception("Bad version");
        try {
            MessageHandling.guarded("tcp:127.0.0.1:5070", invite(), () -> {
                throw refusal;
            });
            fail("the refusal must reach the RI's parser, which closes the connection");
        } catch (Exception e) {
            assertSame(refusal, e);
        }
    }

    @Test
    public void aMessageIsNamedByItsFirstLineAndCallId() throws Exception {
        assertEquals("INVITE sip:bob@127.0.0.1 SIP/2.0 (Call-ID mh-1)", MessageHandling.describe(invite()));
        assertEquals("a message", MessageHandling.describe(null));
    }
}
