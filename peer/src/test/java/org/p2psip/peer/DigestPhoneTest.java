package org.p2psip.peer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.p2psip.phone.Phone;
import org.p2psip.phone.PhoneException;

/**
 * The project's phone with SIP digest authentication through two real peers started with
 * {@code users} files ({@code ./p2psip peer --users FILE}): alice and bob register with their
 * passwords (401 answered), alice's INVITE is challenged (407) and sent again with credentials, the
 * call carries media both ways; a phone with a wrong password is refused with 401.
 */
public class DigestPhoneTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final List<AutoCloseable> owned = new ArrayList<>();

    @After
    public void tearDown() {
        for (int i = owned.size() - 1; i >= 0; i--) {
            try {
                owned.get(i).close();
            } catch (Exception e) {
                // keep closing the rest
            }
        }
    }

    @Test
    public void phonesRegisterAndCallWithTheirPasswords() throws Exception {
        Path state = tmp.getRoot().toPath();
        Path users = state.resolve("users");
        Files.write(users, List.of("alice:alice-secret", "bob:bob-secret"));
        Peer p1 = peer("p1", state, null, users);
        Peer p2 = peer("p2", state, p1.bootstrapAddress(), users);
        Phone intruder = phone("alice", p1, "not-her-password");
        try {
            intruder.register();
            fail("a wrong password registered alice");
        } catch (PhoneException e) {
            assertEquals(e.getMessage(), 401, e.statusCode());
        }
        Phone alice = phone("alice", p1, "alice-secret");
        Phone bob = phone("bob", p2, "bob-secret");
        alice.register();
        bob.register();
        CompletableFuture<Void> answered = CompletableFuture.runAsync(() -> {
            try {
                bob.answer(Duration.ofSeconds(20));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        alice.call("bob", Duration.ofSeconds(20));
        answered.get(20, TimeUnit.SECONDS);
        assertTrue("alice hears bob", alice.awaitMedia(Duration.ofSeconds(10)));
        assertTrue("bob hears alice", bob.awaitMedia(Duration.ofSeconds(10)));
        alice.hangup();
        bob.awaitHangup(Duration.ofSeconds(10));
        assertTrue(alice.stats().summary(), alice.stats().flowedBothWays());
    }

    private Peer peer(String name, Path state, String bootstrap, Path users) throws Exception {
        Map<String, String> s = new LinkedHashMap<>(Peer.loopbackDefaults(name, state.resolve(name)));
        s.put("ports", "in-process");
        s.put("relay-policy", "never");
        s.put("offer-relay", "off");
        s.put("users", users.toString());
        s.put("security", org.p2psip.enrollment.RunCa.in(state).peer(name, "alice", "bob").toString());
        s.put("digest-algorithms", "SHA-256,MD5"); // the project's phone knows RFC 8760
        if (bootstrap != null) {
            s.put("bootstrap", bootstrap);
        }
        Peer p = Peer.start(PeerConfig.of(s));
        owned.add(p);
        return p;
    }

    private Phone phone(String user, Peer peer, String password) throws Exception {
        Phone ph = Phone.start(TestPeers.phoneAt(user, peer).password(password).build());
        owned.add(ph);
        return ph;
    }
}
