package org.p2psip.interop.baresip;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.Test;
import org.p2psip.interop.fixtures.FreePorts;

/** Start-up and shutdown of the harness itself, with a real baresip. */
public class BaresipStartTest {

    @Test
    public void retriesWithAnotherControlPortWhenItsPortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            AtomicInteger calls = new AtomicInteger();
            Path config;
            Baresip b = Baresip.builder("dave")
                    .ctrlPorts(() -> calls.getAndIncrement() == 0 ? taken.getLocalPort() : FreePorts.tcp())
                    .start();
            try {
                assertEquals("second port used", 2, calls.get());
                assertTrue(b.isAlive());
                assertTrue(b.command("reginfo").contains("sip:dave@127.0.0.1"));
                assertTrue("first attempt's failure is in the log",
                        Files.readString(b.logFile()).contains("ctrl_tcp: failed to listen"));
                config = b.configDir();
            } finally {
                b.close();
            }
            assertFalse("baresip quit", b.isAlive());
            assertFalse("config dir removed", Files.exists(config));
        }
    }
}
