package org.p2psip.om.omif;

import java.io.IOException;
import javax.xml.stream.XMLStreamException;
import org.apache.cxf.Bus;
import org.apache.cxf.logging.FaultListener;
import org.apache.cxf.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces CXF's default fault logging (a WARN with a stack trace for every failed exchange) on a
 * bus: expected failures (declared OM IF faults, unreachable peers, malformed or oversized
 * requests) are logged in one line at debug level; anything else, a bug, keeps its stack trace.
 */
public final class QuietFaults implements FaultListener {
    private static final Logger log = LoggerFactory.getLogger(QuietFaults.class);

    private QuietFaults() {
    }

    public static void install(Bus bus) {
        bus.setProperty(FaultListener.class.getName(), new QuietFaults());
    }

    @Override
    public boolean faultOccurred(Exception exception, String description, Message message) {
        if (expected(exception)) {
            log.debug("{}: {}", description, root(exception));
        } else {
            log.warn("{}: unexpected failure", description, exception);
        }
        return false;
    }

    static boolean expected(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException || t instanceof XMLStreamException
                    || t instanceof jakarta.xml.bind.UnmarshalException
                    || t.getClass().getName().startsWith("org.p2psip.om.omif.")
                    || t.getClass().getName().startsWith("com.ctc.wstx.exc.")) {
                return true;
            }
            if (t instanceof org.apache.cxf.interceptor.Fault && t.getCause() == null) {
                return true; // CXF's own protocol faults: unknown operation, wrong namespace, ...
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static String root(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
