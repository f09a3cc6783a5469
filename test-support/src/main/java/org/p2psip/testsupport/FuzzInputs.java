package org.p2psip.testsupport;

import java.util.Arrays;
import java.util.Random;

/** Fuzz inputs made from seed messages (valid frames, packets, lines), reproducible from a {@link Random}'s seed. */
public final class FuzzInputs {
    private FuzzInputs() {
    }

    /** One input: random bytes, or {@code seed} mutated (bytes flipped, cut, extended, a length field maxed, a part repeated). */
    public static byte[] mutate(Random rnd, byte[] seed) {
        switch (rnd.nextInt(6)) {
            case 0: {
                byte[] b = new byte[rnd.nextInt(1024)];
                rnd.nextBytes(b);
                return b;
            }
            case 1: {
                byte[] b = seed.clone();
                for (int i = 0, n = 1 + rnd.nextInt(4); i < n && b.length > 0; i++) {
                    b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                }
                return b;
            }
            case 2:
                return Arrays.copyOf(seed, seed.length == 0 ? 0 : rnd.nextInt(seed.length));
            case 3: {
                byte[] b = Arrays.copyOf(seed, seed.length + 1 + rnd.nextInt(64));
                for (int i = seed.length; i < b.length; i++) {
                    b[i] = (byte) rnd.nextInt(256);
                }
                return b;
            }
            case 4: {
                byte[] b = seed.clone();
                if (b.length >= 4) {
                    int at = rnd.nextInt(b.length - 3);
                    b[at] = (byte) 0x7f;
                    b[at + 1] = (byte) 0xff;
                    b[at + 2] = (byte) 0xff;
                    b[at + 3] = (byte) 0xff;
                }
                return b;
            }
            default: {
                if (seed.length == 0) {
                    return seed;
                }
                int from = rnd.nextInt(seed.length);
                int len = 1 + rnd.nextInt(seed.length - from);
                byte[] b = new byte[seed.length + len];
                System.arraycopy(seed, 0, b, 0, from + len);
                System.arraycopy(seed, from, b, from + len, seed.length - from);
                return b;
            }
        }
    }
}
