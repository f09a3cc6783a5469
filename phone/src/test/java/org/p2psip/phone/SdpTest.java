package org.p2psip.phone;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.List;
import org.junit.Test;

/** The phone's SDP offer/answer. */
public class SdpTest {

    @Test
    public void offerParsesBack() {
        String offer = Sdp.offer("alice", 42, "127.0.0.1", 40000);
        assertTrue(offer.contains("m=audio 40000 RTP/AVP 0 101\r\n"));
        assertTrue(offer.contains("a=rtpmap:0 PCMU/8000\r\n"));
        Sdp.Audio a = Sdp.parse(offer);
        assertEquals("127.0.0.1", a.address());
        assertEquals(40000, a.port());
        assertEquals(List.of(0, 101), a.payloadTypes());
        assertEquals(Integer.valueOf(101), a.telephoneEventPt());
        assertTrue(a.offersPcmu());
    }

    @Test
    public void answerKeepsTheOfferersTelephoneEventTypeOrLeavesItOut() {
        Sdp.Audio withTe = Sdp.parse("v=0\r\nc=IN IP4 10.0.0.1\r\nm=audio 5000 RTP/AVP 0 96\r\n"
                + "a=rtpmap:96 telephone-event/8000\r\n");
        String answer = Sdp.answer("bob", 1, "127.0.0.1", 6000, withTe);
        assertTrue(answer, answer.contains("m=audio 6000 RTP/AVP 0 96\r\n"));
        assertTrue(answer, answer.contains("a=rtpmap:96 telephone-event/8000"));
        Sdp.Audio plain = Sdp.parse("v=0\nc=IN IP4 10.0.0.1\nm=audio 5000 RTP/AVP 0 8\n");
        String answer2 = Sdp.answer("bob", 1, "127.0.0.1", 6000, plain);
        assertTrue(answer2, answer2.contains("m=audio 6000 RTP/AVP 0\r\n"));
        assertFalse(answer2, answer2.contains("telephone-event"));
        assertNull(plain.telephoneEventPt());
    }

    @Test
    public void mediaLevelConnectionOverridesSessionLevel() {
        Sdp.Audio a = Sdp.parse("v=0\r\nc=IN IP4 10.0.0.1\r\nm=video 7000 RTP/AVP 31\r\nc=IN IP4 10.0.0.9\r\n"
                + "m=audio 5000 RTP/AVP 8 0\r\nc=IN IP4 10.0.0.2/127\r\n");
        assertEquals("10.0.0.2", a.address());
        assertEquals(5000, a.port());
        assertTrue(a.offersPcmu());
    }

    @Test
    public void unusableDescriptionsAreRejectedClearly() {
        expectBad(null, "no SDP body");
        expectBad("v=0\r\nc=IN IP4 1.2.3.4\r\nm=video 5000 RTP/AVP 31\r\n", "no RTP audio stream");
        expectBad("v=0\r\nm=audio 5000 RTP/AVP 0\r\n", "no connection address");
        expectBad("v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 99999 RTP/AVP 0\r\n", "bad port");
        expectBad("v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 5000 RTP/AVP x\r\n", "bad payload type");
        assertFalse(Sdp.parse("v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 5000 RTP/AVP 8\r\n").offersPcmu());
    }

    private static void expectBad(String sdp, String message) {
        try {
            Sdp.parse(sdp);
            fail("accepted: " + sdp);
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(message));
        }
    }

    @Test
    public void absSendTimeIsOfferedAsExtension3AndAnsweredOnlyWhenOffered() {
        String offer = Sdp.offer("alice", 1, "127.0.0.1", 4000);
        assertTrue(offer, offer.contains("a=extmap:3 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n"));
        Sdp.Audio o = Sdp.parse(offer);
        assertEquals(Integer.valueOf(3), o.absSendTimeId());
        String answer = Sdp.answer("bob", 2, "127.0.0.1", 5000, o);
        assertEquals(Integer.valueOf(3), Sdp.parse(answer).absSendTimeId());
        String other = "v=0\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\n"
                + "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n"
                + "a=extmap:7/sendrecv http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n";
        assertEquals("the offerer's id", Integer.valueOf(7), Sdp.parse(other).absSendTimeId());
        assertTrue(Sdp.answer("bob", 2, "127.0.0.1", 5000, Sdp.parse(other)).contains("a=extmap:7 "));
        Sdp.Audio baresip = Sdp.parse("v=0\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\n");
        assertNull(baresip.absSendTimeId());
        assertFalse("not answered when not offered",
                Sdp.answer("bob", 2, "127.0.0.1", 5000, baresip).contains("extmap"));
    }
}
