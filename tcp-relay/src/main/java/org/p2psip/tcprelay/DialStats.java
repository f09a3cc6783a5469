package org.p2psip.tcprelay;

/**
 * Counters of the outbound connections a {@link TcpRelay} made on its clients' behalf ({@code DIAL}).
 *
 * @param requested           well-formed {@code DIAL} requests received
 * @param spliced             dials that connected to their target and were spliced ({@code OK})
 * @param notAllowed          dials refused because the target is not allowed (no connection was made)
 * @param failed              dials whose target refused, was unreachable or did not answer in time
 * @param limitReached        dials refused because {@code maxDials} connections were open
 * @param active              dialled connections currently connecting or spliced
 * @param bytesClientToTarget bytes copied from clients to their targets
 * @param bytesTargetToClient bytes copied from targets to their clients
 */
public record DialStats(long requested, long spliced, long notAllowed, long failed, long limitReached, int active,
        long bytesClientToTarget, long bytesTargetToClient) {
}
