package org.p2psip.peer;

import java.net.BindException;

/**
 * The one-line messages a peer gives when it cannot start: what failed (the address and which of
 * the peer's parts wanted it), which option sets it, and what to do. Used by {@link Peer} and the
 * operator listener so that no bare exception text ("Address already in use") reaches the user.
 */
public final class StartupProblem {
    private StartupProblem() {
    }

    /** "{@code address} is already in use: ..." for the listener {@code what}, set by {@code option}. */
    public static String inUse(String address, String what, String option) {
        int colon = address.lastIndexOf(':');
        String port = colon >= 0 ? address.substring(colon + 1) : address;
        return address + " is already in use (another program, or another peer on this host, listens there): it is "
                + what + ", set by " + option + "; give this peer another one (" + option + " ...) or stop what holds it"
                + " (ss -tulpn 'sport = :" + port + "' shows it)";
    }

    /** Whether {@code e} or one of its causes says an address was in use. */
    public static boolean isInUse(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
            String m = t.getMessage();
            if (m != null && (m.contains("Address already in use") || m.contains("address already in use") || m.contains("Failed to bind"))) {
                return true;
            }
        }
        return false;
    }

    /** The innermost message of {@code e}'s causes (the class name if none has one). */
    public static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
