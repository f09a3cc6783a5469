package org.p2psip.sip.registrar;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sip.address.AddressFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registrar's bindings in a file of the peer's state directory, so that they survive a restart of
 * the P2PSIP-Port (a crash included): the lookup service still points callers at this peer, and the
 * restarted port still knows where its users are, without waiting for their phones to register again.
 * One line per binding, tab-separated: user, contact, Call-ID, CSeq, expiry (ms since 1970), q,
 * transport, host and port of the flow, natted. Written whole to a temporary file and moved over the
 * old one (a reader never sees half a file); read at start, expired bindings and bad lines skipped
 * (logged), at most {@value #MAX_BINDINGS} bindings.
 */
public final class BindingJournal {
    private static final Logger log = LoggerFactory.getLogger(BindingJournal.class);
    static final int MAX_BINDINGS = 100_000;

    private final Path file;
    private final AddressFactory addresses;

    public BindingJournal(Path file, AddressFactory addresses) {
        this.file = file;
        this.addresses = addresses;
    }

    public Path file() {
        return file;
    }

    /** Writes every binding of {@code store}. */
    synchronized void save(Map<String, List<Binding>> store) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            for (Map.Entry<String, List<Binding>> e : store.entrySet()) {
                for (Binding b : e.getValue()) {
                    w.write(line(e.getKey(), b));
                    w.write('\n');
                }
            }
        }
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static String line(String user, Binding b) {
        Flow f = b.flow();
        return String.join("\t", user, clean(b.contact().toString()), clean(b.callId()), Long.toString(b.cseq()),
                Long.toString(b.expiresAtMillis()), Float.toString(b.q()), f == null ? "" : f.transport(),
                f == null ? "" : f.host(), f == null ? "0" : Integer.toString(f.port()), Boolean.toString(b.natted()));
    }

    private static String clean(String s) {
        return s.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ').trim();
    }

    /** The live bindings of the file by user (none if there is no file). */
    synchronized Map<String, List<Binding>> load(long nowMillis) {
        Map<String, List<Binding>> out = new HashMap<>();
        if (!Files.isRegularFile(file)) {
            return out;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            log.warn("cannot read the registrar's bindings from {}: {}; starting without them", file, e.getMessage());
            return out;
        }
        int n = 0;
        int lineNo = 0;
        for (String l : lines) {
            lineNo++;
            if (l.isBlank()) {
                continue;
            }
            if (n >= MAX_BINDINGS) {
                log.warn("{}: more than {} bindings; the rest are ignored", file, MAX_BINDINGS);
                break;
            }
            String[] f = l.split("\t", -1);
            try {
                if (f.length != 10) {
                    throw new IllegalArgumentException(f.length + " fields, not 10");
                }
                Flow flow = f[6].isEmpty() ? null : new Flow(f[6], f[7], Integer.parseInt(f[8]));
                Binding b = new Binding(addresses.createAddress(f[1]), f[2], Long.parseLong(f[3]), Long.parseLong(f[4]),
                        Float.parseFloat(f[5]), flow, Boolean.parseBoolean(f[9]), null);
                if (b.isLive(nowMillis)) {
                    out.computeIfAbsent(f[0], u -> new ArrayList<>()).add(b);
                    n++;
                }
            } catch (ParseException | RuntimeException e) {
                log.warn("{} line {}: not a binding ({}); skipped", file, lineNo, e.getMessage());
            }
        }
        return out;
    }
}
