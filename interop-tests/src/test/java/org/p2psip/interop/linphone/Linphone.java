package org.p2psip.interop.linphone;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.p2psip.interop.fixtures.FreePorts;
import org.p2psip.interop.fixtures.Tools;

/**
 * An unmodified linphone console phone ({@code linphonec}, Debian {@code linphone-cli}) run headless
 * for a test: its own configuration, HOME and log in a new directory under {@code target/linphone}, wav files instead of a
 * sound card ({@code soundcard use files}, {@code play} of an 8 kHz mono tone), registered at a
 * registrar (a peer's P2PSIP-Port), driven through its console on stdin. Its console output is
 * collected line by line; its log ({@code -d 5}) holds oRTP's per-call statistics
 * ({@link LinphoneRtpStats}). {@link #close()} quits it (then kills it).
 */
public final class Linphone implements AutoCloseable {
    private static final Pattern CONNECTED = Pattern.compile("Call \\d+ (with|to) \\S+ connected\\.");
    private static final Pattern ENDED = Pattern.compile("Call \\d+ with \\S+ ended");
    private static final Pattern INCOMING = Pattern.compile("Receiving new incoming call from \\S+");

    private final String user;
    private final Path dir;
    private final Path log;
    private final Process process;
    private final OutputStream console;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private volatile int callCursor;
    /** oRTP statistics blocks in the log when the current call was connected: its own comes after them. */
    private int blocksBefore;

    private Linphone(String user, Path dir, Process process) {
        this.user = user;
        this.dir = dir;
        this.log = dir.resolve("linphonec.log");
        this.process = process;
        this.console = process.getOutputStream();
    }

    /**
     * Starts linphonec for {@code user}, registers it at {@code registrar} (HOST:PORT) in domain
     * {@code domain}, and waits until the registration succeeded. With {@code autoAnswer} it answers
     * every incoming call.
     */
    public static Linphone start(String user, String registrar, String domain, boolean autoAnswer, Duration timeout)
            throws IOException, InterruptedException {
        String binary = Tools.requireOnPath("linphonec", "linphone-cli");
        Path base = Files.createDirectories(Path.of("target", "linphone"));
        Path dir = Files.createTempDirectory(base, user + "-");
        Path home = dir.resolve("home");
        Files.createDirectories(home.resolve(".local/share/linphone"));
        Path rc = dir.resolve("linphonerc");
        Files.writeString(rc, "[sip]\nsip_port=" + FreePorts.udp() + "\nsip_tcp_port=0\nsip_tls_port=0\nuse_ipv6=0\n"
                + "default_proxy=-1\n[rtp]\naudio_rtp_port=" + FreePorts.udpPairPlus2() + "\n[sound]\nechocancellation=0\n"
                + "[video]\nenabled=0\n");
        Path tone = dir.resolve("tone.wav");
        Files.write(tone, toneWav(20));
        ProcessBuilder pb = new ProcessBuilder(binary, "-c", rc.toString(), "-d", "5", "-l", dir.resolve("linphonec.log").toString(), "-S");
        if (autoAnswer) {
            pb.command().add("-a");
        }
        pb.environment().put("HOME", home.toString());
        pb.redirectErrorStream(true);
        Linphone l = new Linphone(user, dir, pb.start());
        try {
            l.readConsole();
            l.command("soundcard use files");
            l.command("play " + tone);
            l.command("register sip:" + user + "@" + domain + " sip:" + registrar);
            l.awaitRegistered(timeout);
            return l;
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            l.close();
            throw e;
        }
    }

    private void readConsole() {
        BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Thread t = new Thread(() -> {
            try {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // linphonec ended
            }
        }, "linphonec-" + user);
        t.setDaemon(true);
        t.start();
    }

    /** Types one console command. */
    public synchronized void command(String c) throws IOException {
        console.write((c + "\n").getBytes(StandardCharsets.UTF_8));
        console.flush();
    }

    private void awaitRegistered(Duration timeout) throws IOException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            command("status register");
            Thread.sleep(300);
            if (lines.stream().anyMatch(x -> x.contains("registered, identity=sip:" + user + "@"))) {
                return;
            }
        }
        throw new AssertionError("linphonec " + user + " did not register within " + timeout.toSeconds() + " s: " + tail());
    }

    /** Calls {@code uri} (e.g. {@code sip:bob@127.0.0.1}). */
    public void call(String uri) throws IOException {
        callCursor = lines.size();
        command("call " + uri);
    }

    /** Waits for an incoming call (from now or since the last call). */
    public void awaitIncoming(Duration timeout) throws InterruptedException {
        await(INCOMING, "an incoming call", timeout);
    }

    /** Waits until the current call is connected (outgoing or auto-answered). */
    public void awaitConnected(Duration timeout) throws InterruptedException, IOException {
        await(CONNECTED, "the call to be connected", timeout);
        blocksBefore = LinphoneRtpStats.blocks(Files.readAllLines(log, StandardCharsets.ISO_8859_1));
    }

    /** Hangs up the current call. */
    public void terminate() throws IOException {
        command("terminate");
    }

    /**
     * Waits until the current call (connected, see {@link #awaitConnected}) ended and returns
     * linphone's own RTP statistics of it (printed by oRTP into its log when the audio stream stops).
     */
    public LinphoneRtpStats awaitEnded(Duration timeout) throws InterruptedException, IOException {
        await(ENDED, "the call to end", timeout);
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            LinphoneRtpStats s = LinphoneRtpStats.nth(Files.readAllLines(log, StandardCharsets.ISO_8859_1), blocksBefore);
            if (s != null) {
                callCursor = lines.size();
                return s;
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("linphonec " + user + " wrote no RTP statistics for the call that ended into " + log);
            }
            Thread.sleep(100);
        }
    }

    private void await(Pattern p, String what, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> since = lines.subList(Math.min(callCursor, lines.size()), lines.size());
            if (since.stream().anyMatch(l -> p.matcher(l).find())) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError("linphonec " + user + " exited while waiting for " + what + ": " + tail());
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("linphonec " + user + ": no " + what + " within " + timeout.toSeconds() + " s: " + tail());
            }
            Thread.sleep(50);
        }
    }

    /** The last console lines, for failure messages. */
    public String tail() {
        List<String> l = List.copyOf(lines);
        return String.join(" | ", l.subList(Math.max(0, l.size() - 15), l.size()));
    }

    /** Where linphonec's log and configuration are. */
    public Path dir() {
        return dir;
    }

    @Override
    public void close() {
        try {
            command("quit");
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!process.waitFor(3, java.util.concurrent.TimeUnit.SECONDS)) {
                Tools.stop(process, Duration.ofSeconds(2), Duration.ofSeconds(5));
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** {@code seconds} of a 440 Hz tone as a WAV file: 8 kHz, 16 bit, mono (what linphone plays in file mode). */
    static byte[] toneWav(int seconds) {
        int samples = 8000 * seconds;
        ByteBuffer b = ByteBuffer.allocate(44 + 2 * samples).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + 2 * samples).put("WAVE".getBytes(StandardCharsets.US_ASCII));
        b.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1).putInt(8000)
                .putInt(16000).putShort((short) 2).putShort((short) 16);
        b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(2 * samples);
        for (int i = 0; i < samples; i++) {
            b.putShort((short) (8000 * Math.sin(2 * Math.PI * 440 * i / 8000.0)));
        }
        return b.array();
    }
}
