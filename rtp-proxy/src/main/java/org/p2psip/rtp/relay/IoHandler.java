package org.p2psip.rtp.relay;

import java.nio.channels.SelectionKey;

/** The attachment of every selection key of a worker: what to do when the channel is ready. */
interface IoHandler {
    void onReady(SelectionKey key);
}
