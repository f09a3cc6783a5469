package org.p2psip.rtp;

import java.io.Closeable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.p2psip.control.ControlConnection;
import org.p2psip.control.ControlException;
import org.p2psip.control.ControlHandler;
import org.p2psip.control.ControlMessage;
import org.p2psip.control.ErrorCode;
import org.p2psip.control.message.RtpLeg;
import org.p2psip.control.message.RtpStats;
import org.p2psip.control.message.RtpStatsAnswer;
import org.p2psip.rtp.control.RtpPortClient;
import org.p2psip.rtp.config.RtpPortConfig;

/** An RTP-Port running in this JVM plus a control client that plays the Overlay Manager and records events. */
public final class PortFixture implements Closeable {
    public final RtpPort port;
    public final RtpPortClient om;
    public final BlockingQueue<ControlMessage> events = new LinkedBlockingQueue<>();

    public PortFixture(RtpPortConfig config) throws Exception {
        port = new RtpPort(config).start();
        RtpPortClient c;
        try {
            c = RtpPortClient.connect(config.controlSocket(), "om", "test-om", new ControlHandler() {
                @Override
                public ControlMessage onRequest(ControlConnection conn, ControlMessage request) throws ControlException {
                    throw new ControlException(ErrorCode.UNKNOWN_TYPE, "test OM handles no requests");
                }

                @Override
                public void onEvent(ControlConnection conn, ControlMessage event) {
                    events.add(event);
                }
            }, Duration.ofSeconds(10));
        } catch (ControlException e) {
            port.close();
            throw e;
        }
        om = c;
    }

    public static PortFixture start(Path dir, String name) throws Exception {
        return new PortFixture(TestSupport.config(dir, name));
    }

    public Path socket() {
        return port.config().controlSocket();
    }

    /** The next event of {@code type}, or null after {@code timeout}; other events are skipped. */
    public ControlMessage awaitEvent(String type, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            ControlMessage m = events.poll(left, TimeUnit.NANOSECONDS);
            if (m != null && m.type().equals(type)) {
                return m;
            }
        }
    }

    /** rtp.stats of one session, typed. */
    public RtpStatsAnswer stats(String session) throws ControlException {
        return RtpStatsAnswer.from(om.call(RtpStats.of(session).toMessage()));
    }

    /** One leg of a session as rtp.stats reports it. */
    public RtpLeg leg(String session, String leg) throws ControlException {
        RtpLeg l = stats(session).leg(leg);
        if (l == null) {
            throw new AssertionError("no leg " + leg + " in stats of " + session + ": " + stats(session));
        }
        return l;
    }

    /** A counter ({@code Fields.PACKETS_IN}, ...) of one leg of a session. */
    public long stat(String session, String leg, String counter) throws ControlException {
        return leg(session, leg).count(counter);
    }

    @Override
    public void close() {
        om.close();
        port.close();
    }
}
