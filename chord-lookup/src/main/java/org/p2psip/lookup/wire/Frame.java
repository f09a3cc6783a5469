package org.p2psip.lookup.wire;

/**
 * One frame of the chord-lookup wire protocol (version 1), header 12 bytes, big-endian:
 * <pre>
 *   0  2  magic 0x43 0x44 ("CD")
 *   2  1  version (1)
 *   3  1  kind: bit 7 set = response; bits 0..6 = message type (1..127)
 *   4  4  request id (echoed in the response)
 *   8  4  payload length (0 .. {@link FrameCodec#MAX_PAYLOAD})
 *  12  n  payload; a response payload starts with a status byte (0 = OK, else an {@link ErrorCodes} code
 *         followed by a UTF-8 message string)
 * </pre>
 */
public record Frame(int type, boolean response, int requestId, byte[] payload) {
}
