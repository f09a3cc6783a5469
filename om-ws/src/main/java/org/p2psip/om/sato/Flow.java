package org.p2psip.om.sato;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The call flow in the paper's terms (Figure 4), one line per step, on the logger
 * {@code p2psip.flow}. {@code ./p2psip demo} prints these lines as the call happens.
 */
public final class Flow {
    private static final Logger log = LoggerFactory.getLogger("p2psip.flow");

    private Flow() {
    }

    public static void step(String peer, String format, Object... args) {
        if (log.isInfoEnabled()) {
            log.info("[" + peer + "] " + format, args);
        }
    }
}
