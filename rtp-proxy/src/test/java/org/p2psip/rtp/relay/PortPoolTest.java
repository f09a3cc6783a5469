package org.p2psip.rtp.relay;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.net.BindException;
import java.net.InetAddress;
import org.junit.Test;
import org.p2psip.control.ControlException;
import org.p2psip.control.ErrorCode;

public class PortPoolTest {
    private final PortPool pool = new PortPool(InetAddress.getLoopbackAddress(), 1000, 1005);

    @Test
    public void pairsAreEvenAndSkipTakenPorts() throws Exception {
        int p = pool.allocate(2, "x", port -> {
            if (port == 1000) {
                throw new BindException("taken");
            }
            return port;
        });
        assertEquals(1002, p);
        assertEquals(4, pool.free());
        int single = pool.allocate(1, "y", port -> port);
        assertNotEquals(1002, single);
        assertNotEquals(1003, single);
        pool.release(1002, 2);
        assertEquals(5, pool.free());
    }

    @Test
    public void exhaustionIsResourceExhaustedWithAClearMessage() throws Exception {
        for (int i = 0; i < 6; i++) {
            pool.allocate(1, "leg", port -> port);
        }
        try {
            pool.allocate(1, "leg", port -> port);
            fail();
        } catch (ControlException e) {
            assertEquals(ErrorCode.RESOURCE_EXHAUSTED, e.code());
            assertTrue(e.getMessage(), e.getMessage().contains("port range 1000-1005"));
            assertTrue(e.getMessage(), e.getMessage().contains("6 of 6 ports held"));
        }
    }

    @Test
    public void freedPortsAreNotReusedAtOnce() throws Exception {
        int a = pool.allocate(1, "a", port -> port);
        pool.release(a, 1);
        int b = pool.allocate(1, "b", port -> port);
        assertNotEquals("the cursor moves on", a, b);
    }
}
