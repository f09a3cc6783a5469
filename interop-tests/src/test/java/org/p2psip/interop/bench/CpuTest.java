package org.p2psip.interop.bench;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;
import org.junit.Test;

/** The CPU time the system benchmark charges to the systems under test. */
public class CpuTest {

    @Test
    public void userAndSystemTimeOfAStatLineWhoseCommandHasSpacesAndParentheses() {
        String stat = "4242 (C2 Compiler (x)) S 1 4242 4242 0 -1 4194560 1234 0 0 0 731 269 0 0 20 0 57 0 123 9000000 5000 "
                + "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";
        assertEquals(731 + 269, Cpu.ticks(stat));
        assertEquals(-1, Cpu.ticks("garbage"));
    }

    @Test
    public void thisJvmHasUsedSomeCpu() {
        long ms = Cpu.millis(List.of(ProcessHandle.current()));
        assertTrue("CPU ms of this JVM: " + ms, ms > 0);
    }
}
