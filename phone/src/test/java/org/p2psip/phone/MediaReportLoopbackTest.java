package org.p2psip.phone;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.Test;

/**
 * Per-second report lines and one-way delay on real loopback UDP: RTP sessions sending to each other, and a
 * test sender that drops every tenth packet.
 */
public class MediaReportLoopbackTest {

    private static final Pattern LINE = Pattern.compile("interval: t=(\\d+) received=(\\d+) expected=(\\d+)"
            + " lost=(\\d+) loss=([0-9.]+)% jitter=([0-9.]+)ms delay_mean=(-|-?[0-9.]+ms)"
            + " delay_p95=(-|-?[0-9.]+ms) delay_samples=(\\d+) max_gap=(\\d+)ms");

    private final InetAddress lo = InetAddress.getLoopbackAddress();

    @Test(timeout = 60_000)
    public void phonesWithAbsSendTimeReportAboutFiftyPacketsPerSecondAndASmallDelay() throws Exception {
        try (RtpSession a = RtpSession.open(lo); RtpSession b = RtpSession.open(lo)) {
            a.startSending(new InetSocketAddress(lo, b.rtpPort()), AbsSendTime.DEFAULT_ID);
            b.startSending(new InetSocketAddress(lo, a.rtpPort()), AbsSendTime.DEFAULT_ID);
            awaitPackets(b, 5);
            List<Matcher> lines = report(b, 3);
            a.stopSending();
            b.stopSending();
            for (Matcher m : lines) {
                long received = Long.parseLong(m.group(2));
                assertTrue(m.group(), received >= 35 && received <= 65); // 50 per second at 20 ms ptime
                assertTrue(m.group(), Long.parseLong(m.group(9)) > 0);
                assertTrue(m.group(), !m.group(7).equals("-"));
                double mean = Double.parseDouble(m.group(7).replace("ms", ""));
                double p95 = Double.parseDouble(m.group(8).replace("ms", ""));
                // loopback: milliseconds at most (a scheduling stall on a busy machine shows in the p95);
                // a unit or 64 s wrap error would show seconds. One stalled packet can lift the mean above
                // the p95 (CI, 2026-12-07: mean 0.4 ms, p95 0.3 ms, a 29 ms gap): no order between them
                assertTrue("loopback delay is small: " + m.group(), mean >= 0 && mean < 50 && p95 >= 0 && p95 < 1000);
            }
            MediaStats s = b.stats();
            assertTrue(s.summary(), s.delaySamples() > 100 && s.delayMeanMillis() >= 0 && s.delayMeanMillis() < 50);
            assertTrue(s.summary(), s.summary().matches(".*, delay mean -?[0-9.]+ ms p95 [0-9.]+ ms \\(\\d+ samples\\)"));
        }
    }

    @Test(timeout = 60_000)
    public void packetsWithoutTheExtensionGiveNoDelay() throws Exception {
        try (RtpSession a = RtpSession.open(lo); RtpSession b = RtpSession.open(lo)) {
            a.startSending(new InetSocketAddress(lo, b.rtpPort())); // like baresip or sipp: no extension
            awaitPackets(b, 5);
            List<Matcher> lines = report(b, 2);
            a.stopSending();
            for (Matcher m : lines) {
                assertTrue(m.group(), Long.parseLong(m.group(2)) >= 35);
                assertEquals(m.group(), "0", m.group(9));
                assertEquals(m.group(), "-", m.group(7));
                assertEquals(m.group(), "-", m.group(8));
            }
            MediaStats s = b.stats();
            assertEquals(s.summary(), 0, s.delaySamples());
            assertTrue(s.summary(), s.summary().endsWith(", delay - (0 samples)"));
        }
    }

    @Test(timeout = 60_000)
    public void droppingEveryTenthPacketShowsTenPercentLossPerInterval() throws Exception {
        try (RtpSession b = RtpSession.open(lo); DatagramSocket sender = new DatagramSocket(new InetSocketAddress(lo, 0))) {
            Thread t = new Thread(() -> sendDroppingEveryTenth(sender, new InetSocketAddress(lo, b.rtpPort())),
                    "lossy-sender");
            t.setDaemon(true);
            t.start();
            try {
                awaitPackets(b, 5);
                List<Matcher> lines = report(b, 3);
                long expected = 0;
                long lost = 0;
                for (Matcher m : lines) {
                    long e = Long.parseLong(m.group(3));
                    long l = Long.parseLong(m.group(4));
                    assertTrue(m.group(), e >= 35 && e <= 65);
                    assertTrue(m.group(), l >= e / 10 - 2 && l <= e / 10 + 2);
                    assertTrue(m.group(), Long.parseLong(m.group(9)) > 0);
                    expected += e;
                    lost += l;
                }
                double loss = 100.0 * lost / expected;
                assertTrue("loss over the intervals " + loss + "%", loss > 8 && loss < 12);
            } finally {
                t.interrupt();
                t.join(5000);
            }
        }
    }

    /** 20 ms PCMU packets with abs-send-time; every tenth sequence number is not sent. */
    private static void sendDroppingEveryTenth(DatagramSocket socket, InetSocketAddress to) {
        byte[] b = new byte[12 + AbsSendTime.BLOCK_LENGTH + 160];
        Tone tone = new Tone(440);
        long next = System.nanoTime();
        for (int seq = 0; !Thread.currentThread().isInterrupted(); seq++) {
            RtpPacket.writeHeader(b, seq == 0, 0, seq & 0xFFFF, 160L * seq, 0x1234, true);
            AbsSendTime.writeBlock(b, 12, AbsSendTime.DEFAULT_ID, AbsSendTime.fromMicros(RtpSession.wallClockMicros()));
            tone.nextFrame(b, 12 + AbsSendTime.BLOCK_LENGTH);
            if (seq % 10 != 9) {
                try {
                    socket.send(new DatagramPacket(b, b.length, to));
                } catch (java.io.IOException e) {
                    return; // socket closed: the test is over
                }
            }
            next += TimeUnit.MILLISECONDS.toNanos(20);
            long wait;
            while ((wait = next - System.nanoTime()) > 0 && !Thread.currentThread().isInterrupted()) {
                LockSupport.parkNanos(wait);
            }
        }
    }

    private static void awaitPackets(RtpSession s, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (s.stats().packetsReceived() < n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue("media arrived: " + s.stats().summary(), s.stats().packetsReceived() >= n);
    }

    @Test(timeout = 60_000)
    public void tenthOfASecondIntervalsCarryTheirFractionAndTheLongestGap() throws Exception {
        try (RtpSession a = RtpSession.open(lo); RtpSession b = RtpSession.open(lo)) {
            a.startSending(new InetSocketAddress(lo, b.rtpPort()), AbsSendTime.DEFAULT_ID);
            awaitPackets(b, 5);
            List<String> lines = Collections.synchronizedList(new ArrayList<>());
            IntervalReporter r = IntervalReporter.start(b::takeInterval, 100, lines::add);
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (lines.size() < 12 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
            } finally {
                r.stop();
                a.stopSending();
            }
            assertTrue("interval lines: " + lines, lines.size() >= 12);
            long received = 0;
            synchronized (lines) {
                for (int i = 0; i < 12; i++) {
                    Matcher m = Pattern.compile("interval: t=([0-9.]+) received=(\\d+) .* max_gap=(\\d+)ms").matcher(lines.get(i));
                    assertTrue("format: " + lines.get(i), m.matches());
                    assertEquals(lines.get(i), MediaInterval.seconds(100L * (i + 1)), m.group(1));
                    received += Long.parseLong(m.group(2));
                }
            }
            assertEquals("t=1 for the tenth line", "interval: t=1 ", lines.get(9).substring(0, 14));
            assertTrue("media in the 100 ms intervals: " + lines, received > 0);
        }
    }

    /** Runs the 1-second reporter until {@code count} lines were printed; each parsed. */
    private static List<Matcher> report(RtpSession s, int count) throws InterruptedException {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        IntervalReporter r = IntervalReporter.start(s::takeInterval, 1000, lines::add);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(count + 20);
            while (lines.size() < count && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        } finally {
            r.stop();
        }
        assertTrue("interval lines: " + lines, lines.size() >= count);
        List<Matcher> out = new ArrayList<>();
        synchronized (lines) {
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = LINE.matcher(lines.get(i));
                assertTrue("format: " + lines.get(i), m.matches());
                assertEquals(lines.get(i), Integer.toString(i + 1), m.group(1));
                out.add(m);
            }
        }
        return out;
    }
}
