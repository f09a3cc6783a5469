package org.p2psip.interop.peer;

import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.p2psip.interop.baresip.Baresip;
import org.p2psip.interop.baresip.BaresipException;
import org.p2psip.interop.baresip.RtpStats;
import org.p2psip.interop.fixtures.Owned;

/**
 * SIP digest authentication with phones nobody here wrote, through three real peers whose P2PSIP-Ports
 * have a users file ({@code ./p2psip peer --users FILE}): baresip ({@code ;auth_pass=} in its account,
 * MD5) registers and calls, media both ways; baresip with a wrong password is not registered.
 */
public class DigestInteropTest {
    static final Duration T = Duration.ofSeconds(20);
    @Rule
    public final Owned owned = new Owned();

    @Test(timeout = 120_000)
    public void baresipRegistersAndCallsWithDigest() throws Exception {
        Path users = Files.createTempFile("p2psip-users", ".txt");
        Files.write(users, List.of("alice:alice-pw", "bob:bob-pw"));
        InProcessOverlay o = owned.track(InProcessOverlay.start("never", Map.of("users", users.toString()), Map.of()));
        try {
            owned.track(Baresip.builder("alice").registrar(o.peer1.sipAddress()).rtpPorts(27000, 27099).authPass("wrong")
                    .registerTimeout(Duration.ofSeconds(5)).start());
            fail("baresip registered alice with a wrong password");
        } catch (BaresipException e) {
            assertTrue("refused by the registrar: " + e.getMessage(), e.getMessage().contains("401 Unauthorized"));
        }
        Baresip alice = owned.track(Baresip.builder("alice").registrar(o.peer1.sipAddress()).rtpPorts(27100, 27499)
                .authPass("alice-pw").start());
        Baresip bob = owned.track(Baresip.builder("bob").registrar(o.peer2.sipAddress()).rtpPorts(27500, 27999)
                .authPass("bob-pw").answerMode("auto").start());
        alice.dial("bob");
        alice.waitEstablished(T);
        bob.waitEstablished(T);
        RtpStats a = alice.waitRtp(50, T);
        RtpStats b = bob.waitRtp(50, T);
        System.out.println("[peer-interop] baresip with digest: alice " + a + ", bob " + b);
        alice.hangup();
        bob.waitClosed(T);
        alice.waitClosed(T);
    }
}
