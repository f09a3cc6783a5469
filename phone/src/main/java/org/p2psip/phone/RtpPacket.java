package org.p2psip.phone;

/**
 * An RTP packet header (RFC 3550 section 5.1): parsing with the validity checks of RFC 3550 appendix A.1
 * (CSRC list, header extension and padding are skipped, so the payload is the G.711 bytes alone), the
 * {@link AbsSendTime} header extension element if present, and writing of the header the phone sends.
 *
 * @param marker       the M bit
 * @param payloadType  PT (0 = PCMU)
 * @param sequence     16-bit sequence number
 * @param timestamp    32-bit timestamp (unsigned, in a long)
 * @param ssrc         32-bit synchronisation source (unsigned, in a long)
 * @param payloadOffset where the payload starts in the datagram
 * @param payloadLength payload bytes (padding excluded)
 * @param absSendTime   the 24-bit abs-send-time of the header extension, -1 if the packet has none
 */
public record RtpPacket(boolean marker, int payloadType, int sequence, long timestamp, long ssrc,
        int payloadOffset, int payloadLength, int absSendTime) {

    /** A packet without abs-send-time. */
    public RtpPacket(boolean marker, int payloadType, int sequence, long timestamp, long ssrc, int payloadOffset,
            int payloadLength) {
        this(marker, payloadType, sequence, timestamp, ssrc, payloadOffset, payloadLength, -1);
    }

    /** Length of the fixed RTP header. */
    public static final int HEADER_LENGTH = 12;

    /**
     * Parses an RTP datagram, or returns {@code null} if it is not valid RTP: version not 2, too short
     * for its CSRC list or header extension, bad padding, or a payload type in the range 72..76 that
     * RTCP SR/RR/SDES/BYE/APP (200..204) would show with the marker bit (RFC 3550 A.1, RFC 5761 4).
     */
    public static RtpPacket parse(byte[] buf, int length) {
        return parse(buf, length, AbsSendTime.DEFAULT_ID);
    }

    /**
     * Parses an RTP datagram like {@link #parse(byte[], int)}, reading abs-send-time from the header
     * extension element with id {@code absSendTimeId}.
     */
    public static RtpPacket parse(byte[] buf, int length, int absSendTimeId) {
        if (buf == null || length < HEADER_LENGTH || length > buf.length) {
            return null;
        }
        int b0 = buf[0] & 0xFF;
        int b1 = buf[1] & 0xFF;
        if ((b0 >> 6) != 2) {
            return null;
        }
        boolean padding = (b0 & 0x20) != 0;
        boolean extension = (b0 & 0x10) != 0;
        int csrcCount = b0 & 0x0F;
        int pt = b1 & 0x7F;
        if (pt >= 72 && pt <= 76) {
            return null;
        }
        int offset = HEADER_LENGTH + 4 * csrcCount;
        if (offset > length) {
            return null;
        }
        int absSendTime = -1;
        if (extension) {
            if (offset + 4 > length) {
                return null;
            }
            int words = ((buf[offset + 2] & 0xFF) << 8) | (buf[offset + 3] & 0xFF);
            int block = offset;
            offset += 4 + 4 * words;
            if (offset > length) {
                return null;
            }
            absSendTime = AbsSendTime.read(buf, block, offset, absSendTimeId);
        }
        int end = length;
        if (padding) {
            int pad = buf[length - 1] & 0xFF;
            if (pad == 0 || offset + pad > length) {
                return null;
            }
            end -= pad;
        }
        int seq = ((buf[2] & 0xFF) << 8) | (buf[3] & 0xFF);
        return new RtpPacket((b1 & 0x80) != 0, pt, seq, readUnsigned32(buf, 4), readUnsigned32(buf, 8), offset,
                end - offset, absSendTime);
    }

    /** Writes a version-2 header without CSRCs, padding or extension into {@code buf[0..12)}. */
    public static void writeHeader(byte[] buf, boolean marker, int payloadType, int sequence, long timestamp,
            long ssrc) {
        writeHeader(buf, marker, payloadType, sequence, timestamp, ssrc, false);
    }

    /**
     * Writes a version-2 header without CSRCs or padding into {@code buf[0..12)}, with the X bit set if a
     * header extension follows (e.g. {@link AbsSendTime#writeBlock}).
     */
    public static void writeHeader(byte[] buf, boolean marker, int payloadType, int sequence, long timestamp,
            long ssrc, boolean extension) {
        if (payloadType < 0 || payloadType > 127) {
            throw new IllegalArgumentException("payload type out of range: " + payloadType);
        }
        buf[0] = (byte) (extension ? 0x90 : 0x80);
        buf[1] = (byte) ((marker ? 0x80 : 0) | payloadType);
        buf[2] = (byte) (sequence >> 8);
        buf[3] = (byte) sequence;
        writeUnsigned32(buf, 4, timestamp);
        writeUnsigned32(buf, 8, ssrc);
    }

    private static long readUnsigned32(byte[] b, int off) {
        return ((long) (b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8)
                | (b[off + 3] & 0xFF);
    }

    private static void writeUnsigned32(byte[] b, int off, long v) {
        b[off] = (byte) (v >> 24);
        b[off + 1] = (byte) (v >> 16);
        b[off + 2] = (byte) (v >> 8);
        b[off + 3] = (byte) v;
    }
}
