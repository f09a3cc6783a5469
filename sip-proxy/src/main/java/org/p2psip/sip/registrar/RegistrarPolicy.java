package org.p2psip.sip.registrar;

/**
 * Registration intervals (seconds): a requested interval below {@code minExpires} (and not 0) is
 * refused with 423 Interval Too Brief; one above {@code maxExpires} is shortened; a REGISTER that
 * states none gets {@code defaultExpires}.
 */
public record RegistrarPolicy(int minExpires, int defaultExpires, int maxExpires) {
    public RegistrarPolicy {
        if (minExpires < 1 || maxExpires < minExpires || defaultExpires < minExpires || defaultExpires > maxExpires) {
            throw new IllegalArgumentException("need 1 <= min-expires <= default-expires <= max-expires, got "
                    + minExpires + ", " + defaultExpires + ", " + maxExpires);
        }
    }

    public static RegistrarPolicy defaults() {
        return new RegistrarPolicy(60, 3600, 7200);
    }
}
