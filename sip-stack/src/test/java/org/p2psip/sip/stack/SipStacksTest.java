package org.p2psip.sip.stack;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import gov.nist.core.CommonLogger;
import gov.nist.core.LogLevels;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.sip.ClientTransaction;
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
import javax.sip.address.SipURI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.junit.After;
import org.junit.Test;
import org.slf4j.LoggerFactory;

/** A real stack on real loopback UDP sockets: OPTIONS from one provider to another, then a clean shutdown. */
public class SipStacksTest {

    private final List<Runnable> cleanup = new ArrayList<>();

    @After
    public void tearDown() {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).run();
        }
    }

    @Test(timeout = 60_000)
    public void optionsIsAnsweredAndShutdownLeavesNoNonDaemonThread() throws Exception {
        Set<Thread> before = nonDaemonThreads();
        ch.qos.logback.classic.Logger wire = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Slf4jServerLogger.LOGGER_NAME);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> trace = new ch.qos.logback.core.read.ListAppender<>();
        trace.start();
        wire.addAppender(trace);
        wire.setLevel(ch.qos.logback.classic.Level.DEBUG);
        cleanup.add(() -> {
            wire.detachAppender(trace);
            wire.setLevel(null);
        });

        SipStack a = SipStacks.builder("test-a").automaticDialogSupport(false).threadPoolSize(2).create();
        SipStack b = SipStacks.builder("test-b").automaticDialogSupport(false).create();
        assertNotEquals("stack names are unique", a.getStackName(), b.getStackName());

        ListeningPoint lpA = SipStacks.listen(a, "127.0.0.1", 0, ListeningPoint.UDP);
        ListeningPoint lpB = SipStacks.listen(b, "127.0.0.1", 0, ListeningPoint.UDP);
        assertTrue("ephemeral port assigned: " + lpA.getPort(), lpA.getPort() > 0);
        assertTrue("ephemeral port assigned: " + lpB.getPort(), lpB.getPort() > 0);
        SipProvider pa = a.createSipProvider(lpA);
        SipProvider pb = b.createSipProvider(lpB);
        cleanup.add(() -> SipStacks.shutdown(a, pa));
        cleanup.add(() -> SipStacks.shutdown(b, pb));

        BlockingQueue<Request> received = new ArrayBlockingQueue<>(4);
        pb.addSipListener(new Listener() {
            @Override
            public void processRequest(RequestEvent e) {
                try {
                    received.add(e.getRequest());
                    Response ok = SipStacks.factories().message().createResponse(Response.OK, e.getRequest());
                    pb.getNewServerTransaction(e.getRequest()).sendResponse(ok);
                } catch (Exception ex) {
                    throw new IllegalStateException(ex);
                }
            }
        });
        BlockingQueue<Response> responses = new ArrayBlockingQueue<>(4);
        pa.addSipListener(new Listener() {
            @Override
            public void processResponse(ResponseEvent e) {
                responses.add(e.getResponse());
            }
        });

        Request options = options(pa, lpA, lpB);
        ClientTransaction ct = pa.getNewClientTransaction(options);
        ct.sendRequest();

        Request got = received.poll(20, TimeUnit.SECONDS);
        assertNotNull("OPTIONS reached the other provider", got);
        assertEquals(Request.OPTIONS, got.getMethod());
        Response resp = responses.poll(20, TimeUnit.SECONDS);
        assertNotNull("200 OK came back", resp);
        assertEquals(200, resp.getStatusCode());
        assertEquals(((CallIdHeader) options.getHeader(CallIdHeader.NAME)).getCallId(),
                ((CallIdHeader) resp.getHeader(CallIdHeader.NAME)).getCallId());

        List<String> lines = new ArrayList<>();
        for (ch.qos.logback.classic.spi.ILoggingEvent ev : List.copyOf(trace.list)) {
            lines.add(ev.getFormattedMessage());
        }
        assertTrue("message trace shows the OPTIONS sent: " + lines,
                lines.stream().anyMatch(l -> l.contains("sent to") && l.contains("OPTIONS sip:b@127.0.0.1")));
        assertTrue("message trace shows the 200 received: " + lines,
                lines.stream().anyMatch(l -> l.contains("received from") && l.contains("SIP/2.0 200 OK")));

        SipStacks.shutdown(a, pa);
        SipStacks.shutdown(b, pb);
        SipStacks.shutdown(a, pa); // idempotent
        assertNoNewNonDaemonThreads(before);
    }

    @Test(timeout = 60_000)
    public void stackWithoutProviderAlsoEndsItsThreads() throws Exception {
        Set<Thread> before = nonDaemonThreads();
        SipStack s = SipStacks.create("test-bare", false);
        SipStacks.shutdown(s);
        assertNoNewNonDaemonThreads(before);
    }

    private static void assertNoNewNonDaemonThreads(Set<Thread> before) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Set<Thread> leaked;
        do {
            leaked = nonDaemonThreads();
            leaked.removeAll(before);
            if (leaked.isEmpty()) {
                break;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        if (!leaked.isEmpty()) {
            List<String> names = new ArrayList<>();
            leaked.forEach(t -> names.add(t.getName()));
            fail("non-daemon threads left after shutdown: " + names);
        }
    }

    @Test
    public void stackLoggerFollowsSlf4jLevels() throws Exception {
        SipStack s = SipStacks.create("test-log", true);
        cleanup.add(() -> SipStacks.shutdown(s));
        // The RI now logs through our bridge, not log4j.
        assertTrue(CommonLogger.legacyLogger instanceof Slf4jStackLogger);
        Slf4jStackLogger bridge = new Slf4jStackLogger();
        org.slf4j.Logger slf = LoggerFactory.getLogger(Slf4jStackLogger.LOGGER_NAME);
        assertEquals(slf.isDebugEnabled(), bridge.isLoggingEnabled(LogLevels.TRACE_DEBUG));
        assertEquals(slf.isTraceEnabled(), bridge.isLoggingEnabled(LogLevels.TRACE_TRACE));
        assertEquals(slf.isDebugEnabled() || LoggerFactory.getLogger(Slf4jServerLogger.LOGGER_NAME).isDebugEnabled(),
                bridge.isLoggingEnabled(LogLevels.TRACE_MESSAGES));
        assertEquals(slf.isWarnEnabled(), bridge.isLoggingEnabled(LogLevels.TRACE_WARN));
        assertEquals(slf.isErrorEnabled(), bridge.isLoggingEnabled(LogLevels.TRACE_ERROR));
        assertFalse(bridge.isLoggingEnabled(LogLevels.TRACE_NONE));
        bridge.disableLogging();
        assertFalse(bridge.isLoggingEnabled(LogLevels.TRACE_ERROR));
        bridge.enableLogging();
        int lines = bridge.getLineCount();
        bridge.logError("expected error in a test", new java.io.IOException("peer gone"));
        assertEquals(lines + 1, bridge.getLineCount());
        assertTrue(Slf4jStackLogger.isExpected(new java.text.ParseException("bad", 0)));
        assertFalse(Slf4jStackLogger.isExpected(new NullPointerException()));
    }

    @Test
    public void builderRejectsNonsense() {
        try {
            SipStacks.builder("x").threadPoolSize(0);
            fail("thread pool 0 accepted");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage().contains("thread pool"));
        }
        try {
            SipStacks.builder("x").maxMessageSize(10);
            fail("tiny message size accepted");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage().contains("message size"));
        }
        assertEquals("off", SipStacks.builder("x").automaticDialogSupport(false).toProperties()
                .getProperty(SipStacks.AUTOMATIC_DIALOG_SUPPORT));
    }

    private static Request options(SipProvider from, ListeningPoint lpFrom, ListeningPoint lpTo) throws Exception {
        SipStacks.Factories f = SipStacks.factories();
        SipURI target = f.address().createSipURI("b", "127.0.0.1:" + lpTo.getPort());
        SipURI fromUri = f.address().createSipURI("a", "127.0.0.1:" + lpFrom.getPort());
        FromHeader fromH = f.header().createFromHeader(f.address().createAddress(fromUri), "tagA");
        ToHeader toH = f.header().createToHeader(f.address().createAddress(target), null);
        CallIdHeader callId = from.getNewCallId();
        CSeqHeader cseq = f.header().createCSeqHeader(1L, Request.OPTIONS);
        ViaHeader via = f.header().createViaHeader("127.0.0.1", lpFrom.getPort(), ListeningPoint.UDP, null);
        MaxForwardsHeader mf = f.header().createMaxForwardsHeader(70);
        return f.message().createRequest(target, Request.OPTIONS, callId, cseq, fromH, toH, List.of(via), mf);
    }

    private static Set<Thread> nonDaemonThreads() {
        Set<Thread> s = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && !t.isDaemon()) {
                s.add(t);
            }
        }
        return s;
    }

    /** A SipListener that ignores everything not overridden. */
    private abstract static class Listener implements SipListener {
        @Override
        public void processRequest(RequestEvent e) {
        }

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
