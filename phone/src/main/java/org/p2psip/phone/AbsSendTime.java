package org.p2psip.phone;

/**
 * The RTP header extension <em>abs-send-time</em> (the one WebRTC uses,
 * {@value #URI}): the sender's wall clock at sending, modulo 64 s, as a 24-bit 6.18 fixed-point
 * number of seconds, carried as an RFC 8285 one-byte header extension element (profile 0xBEDE). A
 * receiver that shares the sender's clock (network namespaces on one machine) gets the one-way delay as
 * its own wall clock (modulo 64 s) minus the send time; between machines the figure includes their clock
 * offset.
 *
 * <p>Writing produces the 8-byte extension block {@code BE DE 00 01 | id<<4|2 | 3 bytes}; reading
 * understands both RFC 8285 forms (one-byte 0xBEDE and two-byte 0x100x), padding bytes and the
 * one-byte form's stop id 15.
 */
public final class AbsSendTime {

    /** The URI of the extension in {@code a=extmap} (RFC 8285 section 5). */
    public static final String URI = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
    /** The extension id the phone offers ({@code a=extmap:3 ...}). */
    public static final int DEFAULT_ID = 3;
    /** Bytes of the header extension block the phone writes after the fixed header. */
    public static final int BLOCK_LENGTH = 8;
    /** One second in the 6.18 fixed-point format. */
    static final int UNITS_PER_SECOND = 1 << 18;
    private static final int MASK = (1 << 24) - 1;
    private static final int ONE_BYTE_PROFILE = 0xBEDE;
    private static final int TWO_BYTE_PROFILE = 0x100; // upper 12 bits, the lower 4 are app bits

    private AbsSendTime() {
    }

    /** The 24-bit abs-send-time of a wall-clock instant given in microseconds since the epoch. */
    public static int fromMicros(long epochMicros) {
        long microsMod64 = Math.floorMod(epochMicros, 64_000_000L);
        return (int) ((microsMod64 * UNITS_PER_SECOND + 500_000) / 1_000_000) & MASK;
    }

    /**
     * One-way delay in milliseconds of a packet sent at abs-send-time {@code sendTime} and received at
     * wall-clock {@code receiveEpochMicros}; the 64 s wrap is undone by taking the difference in
     * {@code [-32 s, 32 s)}.
     */
    public static double delayMillis(int sendTime, long receiveEpochMicros) {
        int diff = (fromMicros(receiveEpochMicros) - sendTime) & MASK;
        if (diff >= 1 << 23) {
            diff -= 1 << 24;
        }
        return diff * 1000.0 / UNITS_PER_SECOND;
    }

    /**
     * Writes the header extension block ({@value #BLOCK_LENGTH} bytes: profile 0xBEDE, length 1 word,
     * one element {@code id} with the 3-byte {@code sendTime}) at {@code offset}. The caller sets the
     * header's X bit ({@link RtpPacket#writeHeader(byte[], boolean, int, int, long, long, boolean)}).
     *
     * @return the offset after the block
     */
    public static int writeBlock(byte[] buf, int offset, int id, int sendTime) {
        checkId(id);
        buf[offset] = (byte) 0xBE;
        buf[offset + 1] = (byte) 0xDE;
        buf[offset + 2] = 0;
        buf[offset + 3] = 1;
        buf[offset + 4] = (byte) (id << 4 | 2); // L = length - 1 = 2
        buf[offset + 5] = (byte) (sendTime >> 16);
        buf[offset + 6] = (byte) (sendTime >> 8);
        buf[offset + 7] = (byte) sendTime;
        return offset + BLOCK_LENGTH;
    }

    /**
     * The abs-send-time in the header extension whose 4-byte profile/length word starts at
     * {@code blockOffset} and whose data ends at {@code end}, or -1 if there is none with {@code id}
     * (another profile, another id, a wrong length, or malformed elements).
     */
    public static int read(byte[] buf, int blockOffset, int end, int id) {
        int profile = ((buf[blockOffset] & 0xFF) << 8) | (buf[blockOffset + 1] & 0xFF);
        int i = blockOffset + 4;
        if (profile == ONE_BYTE_PROFILE) {
            while (i < end) {
                int b = buf[i] & 0xFF;
                if (b == 0) {
                    i++; // padding
                    continue;
                }
                int elementId = b >> 4;
                if (elementId == 15) {
                    return -1; // stop: the rest is not to be parsed
                }
                int len = (b & 0x0F) + 1;
                if (i + 1 + len > end) {
                    return -1;
                }
                if (elementId == id) {
                    return len == 3 ? value(buf, i + 1) : -1;
                }
                i += 1 + len;
            }
        } else if (profile >> 4 == TWO_BYTE_PROFILE) {
            while (i < end) {
                int elementId = buf[i] & 0xFF;
                if (elementId == 0) {
                    i++; // padding
                    continue;
                }
                if (i + 2 > end) {
                    return -1;
                }
                int len = buf[i + 1] & 0xFF;
                if (i + 2 + len > end) {
                    return -1;
                }
                if (elementId == id) {
                    return len == 3 ? value(buf, i + 2) : -1;
                }
                i += 2 + len;
            }
        }
        return -1;
    }

    /** Checks an extension id for the one-byte form (1..14). */
    static int checkId(int id) {
        if (id < 1 || id > 14) {
            throw new IllegalArgumentException("abs-send-time extension id must be 1..14, not " + id);
        }
        return id;
    }

    private static int value(byte[] b, int off) {
        return ((b[off] & 0xFF) << 16) | ((b[off + 1] & 0xFF) << 8) | (b[off + 2] & 0xFF);
    }
}
