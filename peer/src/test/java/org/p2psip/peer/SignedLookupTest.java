package org.p2psip.peer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.p2psip.enrollment.NodeIdentity;
import org.p2psip.enrollment.RunCa;
import org.p2psip.enrollment.records.RecordSigner;
import org.p2psip.enrollment.records.RecordVerifier;
import org.p2psip.enrollment.records.SignedValue;
import org.p2psip.lookup.LookupException;
import org.p2psip.lookup.LookupService;

/**
 * The OM's view of the lookup service in a secured peer: what it writes is signed by the right
 * writer, and what it reads is checked: forged values a rogue holder serves are ignored.
 */
public class SignedLookupTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    private final List<String> written = new ArrayList<>();
    private List<String> served = new ArrayList<>();
    private NodeIdentity home;
    private NodeIdentity rogue;
    private SignedLookup lookup;

    /** A lookup service that records what is written and serves what the test says. */
    private final LookupService ring = new LookupService() {
        @Override
        public CompletableFuture<Void> put(String key, String value, int ttlSeconds) {
            written.add(value);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<List<String>> get(String key) {
            return CompletableFuture.completedFuture(served);
        }

        @Override
        public CompletableFuture<Void> remove(String key, String value) {
            written.add(value);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void close() {
        }
    };

    @Before
    public void enroll() throws Exception {
        Path dir = tmp.getRoot().toPath();
        RunCa ca = RunCa.in(dir);
        home = NodeIdentity.load(ca.peer("home", "alice"));
        rogue = NodeIdentity.load(ca.peer("rogue"));
        lookup = new SignedLookup(ring, home, new RecordVerifier(home.trust(), RecordVerifier.DEFAULT_SKEW));
    }

    @Test
    public void herRecordIsSignedWithHerCertificateAndRelayRecordsWithTheNodes() throws Exception {
        String record = home.nodeId() + "@127.0.0.1:7070";
        lookup.put("user:alice", record, 60).get();
        lookup.put("relay:rtp-port", record + ";free=3", 60).get();
        lookup.remove("user:alice", record).get();
        assertEquals(home.user("alice").orElseThrow().certificate(), certificateOf(written.get(0)));
        assertEquals(home.certificate(), certificateOf(written.get(1)));
        assertEquals(SignedValue.REMOVE, SignedValue.parse(written.get(2)).op());
        assertEquals(record, SignedValue.parse(written.get(2)).payload());
    }

    @Test
    public void aUserThisPeerHoldsNoCertificateOfIsNotWritten() throws Exception {
        try {
            lookup.put("user:mallory", "x", 60).get();
            fail("wrote a record for a user without her certificate");
        } catch (ExecutionException e) {
            assertTrue(e.getCause() instanceof LookupException);
            assertTrue(e.getCause().getMessage(), e.getCause().getMessage().contains("no certificate of user mallory"));
        }
        assertEquals(List.of(), written);
    }

    @Test
    public void readersIgnoreForgedValues() throws Exception {
        String record = home.nodeId() + "@127.0.0.1:7070";
        String genuine = new RecordSigner(home.user("alice").orElseThrow().key(), home.user("alice").orElseThrow().certificate())
                .put("user:alice", record, 60);
        String byRogue = new RecordSigner(rogue.key(), rogue.certificate()).put("user:alice", rogue.nodeId() + "@127.0.0.1:9", 60);
        served = List.of("192.0.2.66:5060", byRogue, genuine, genuine.replace(home.nodeId(), rogue.nodeId()));
        assertEquals(List.of(record), lookup.get("user:alice").get());
    }

    private static java.security.cert.X509Certificate certificateOf(String signed) throws Exception {
        return org.p2psip.enrollment.Pem.certificate(java.util.Base64.getDecoder().decode(SignedValue.parse(signed).certificate()));
    }
}
