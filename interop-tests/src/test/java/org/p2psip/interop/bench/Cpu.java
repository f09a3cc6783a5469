package org.p2psip.interop.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU time of process trees as the kernel accounts it: {@code utime + stime} from
 * {@code /proc/PID/stat} of each process and its live descendants, in milliseconds (clock ticks of
 * 10 ms). CPU time per call is far less sensitive to a shared machine's load than a delay is: the
 * others' work delays the peers, but is not charged to them.
 */
public final class Cpu {
    /** Linux's USER_HZ: {@code getconf CLK_TCK} is 100 on every architecture Linux runs the JDK on. */
    static final long MS_PER_TICK = 10;

    private Cpu() {
    }

    /** {@code utime + stime} in clock ticks from one {@code /proc/PID/stat} line; -1 if it cannot be read. */
    static long ticks(String stat) {
        int close = stat.lastIndexOf(')'); // the command name may hold spaces and parentheses
        if (close < 0) {
            return -1;
        }
        String[] f = stat.substring(close + 2).trim().split("\\s+");
        // after "pid (comm) ": state is field 3, utime field 14, stime field 15 (proc(5))
        if (f.length < 13) {
            return -1;
        }
        try {
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** CPU milliseconds used so far by {@code roots} and their live descendants (processes gone are skipped). */
    public static long millis(List<ProcessHandle> roots) {
        long ticks = 0;
        for (ProcessHandle root : roots) {
            ticks += Math.max(0, of(root.pid()));
            for (ProcessHandle d : root.descendants().toList()) {
                ticks += Math.max(0, of(d.pid()));
            }
        }
        return ticks * MS_PER_TICK;
    }

    private static long of(long pid) {
        try {
            return ticks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (IOException e) {
            return -1;
        }
    }
}
