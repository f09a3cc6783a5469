package org.p2psip.sip.transport;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import gov.nist.javax.sip.stack.MessageProcessor;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.ListeningPoint;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionTerminatedEvent;
import org.junit.Test;
import org.p2psip.sip.stack.SipStacks;

/**
 * A REGISTER flood on the P2PSIP-Port's UDP listening point while its stack's worker is busy: at
 * most {@link SipTransportFactory#UDP_QUEUE} datagrams wait (the RI's own queue held every datagram
 * in a 32 KiB buffer, without bound, until the peer's heap ran out), and the port serves again after.
 */
public class UdpQueueBoundTest {

    @Test(timeout = 60_000)
    public void aFloodWhileTheWorkerIsBusyQueuesAtMostTheBoundAndThePortServesAfter() throws Exception {
        SipStack stack = SipStacks.builder("bounded-udp").automaticDialogSupport(false).threadPoolSize(1)
                .property(SipTransportFactory.PROPERTY, SipTransportFactory.class.getName())
                .property(SipStacks.REENTRANT_LISTENER, "true").maxMessageSize(32768).create();
        SipProvider provider = null;
        CountDownLatch release = new CountDownLatch(1);
        try {
            ListeningPoint lp = SipStacks.listen(stack, "127.0.0.1", 0, ListeningPoint.UDP);
            provider = stack.createSipProvider(lp);
            AtomicInteger delivered = new AtomicInteger();
            CountDownLatch first = new CountDownLatch(1);
            CountDownLatch afterFlood = new CountDownLatch(1);
            provider.addSipListener(new Listening() {
                @Override
                public void processRequest(RequestEvent e) {
                    delivered.incrementAndGet();
                    first.countDown();
                    if (e.getRequest().getHeader("Call-ID").toString().contains("after-the-flood")) {
                        afterFlood.countDown();
                    }
                    try {
                        release.await(30, TimeUnit.SECONDS); // the one worker is busy until released
                    } catch (InterruptedException x) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            MessageProcessor processor = ((gov.nist.javax.sip.ListeningPointImpl) lp).getMessageProcessor();
            gov.nist.javax.sip.stack.UDPMessageProcessor udp = (gov.nist.javax.sip.stack.UDPMessageProcessor) processor;
            assertEquals("datagrams that may wait", SipTransportFactory.UDP_QUEUE, UdpQueueBound.fill(udp)[1]);

            try (DatagramSocket ua = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                send(ua, lp.getPort(), "busy");
                assertTrue("the first REGISTER reached the listener", first.await(20, TimeUnit.SECONDS));
                for (int i = 0; i < 3 * SipTransportFactory.UDP_QUEUE; i++) {
                    send(ua, lp.getPort(), "flood-" + i);
                }
                int most = 0;
                for (int i = 0; i < 50; i++) {
                    most = Math.max(most, UdpQueueBound.fill(udp)[0]);
                    Thread.sleep(10);
                }
                assertTrue("datagrams waiting: " + most, most <= SipTransportFactory.UDP_QUEUE);
                release.countDown();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (UdpQueueBound.fill(udp)[0] > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(20); // the backlog is worked off (a UA would retransmit meanwhile)
                }
                send(ua, lp.getPort(), "after-the-flood");
                assertTrue("a REGISTER after the flood is served", afterFlood.await(30, TimeUnit.SECONDS));
                assertTrue("delivered: " + delivered.get(), delivered.get() <= SipTransportFactory.UDP_QUEUE + 2);
            }
        } finally {
            release.countDown();
            if (provider != null) {
                SipStacks.shutdown(stack, provider);
            } else {
                SipStacks.shutdown(stack);
            }
        }
    }

    private static void send(DatagramSocket ua, int port, String callId) throws Exception {
        String register = "REGISTER sip:127.0.0.1:" + port + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + ua.getLocalPort() + ";branch=z9hG4bK-" + callId + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:alice@127.0.0.1>;tag=1\r\n"
                + "To: <sip:alice@127.0.0.1>\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: 1 REGISTER\r\n"
                + "Contact: <sip:alice@127.0.0.1:" + ua.getLocalPort() + ">\r\n"
                + "Expires: 60\r\n"
                + "Content-Length: 0\r\n\r\n";
        byte[] b = register.getBytes(StandardCharsets.US_ASCII);
        ua.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), port));
    }

    /** A SIP listener that ignores everything but requests. */
    private abstract static class Listening implements SipListener {
        @Override
        public void processResponse(ResponseEvent e) {
        }

        @Override
        public void processTimeout(TimeoutEvent e) {
        }

        @Override
        public void processIOException(IOExceptionEvent e) {
        }

        @Override
        public void processTransactionTerminated(TransactionTerminatedEvent e) {
        }

        @Override
        public void processDialogTerminated(DialogTerminatedEvent e) {
        }
    }
}
