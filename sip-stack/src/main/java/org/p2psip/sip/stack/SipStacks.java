package org.p2psip.sip.stack;

import gov.nist.core.CommonLogger;
import gov.nist.javax.sip.EventScanner;
import gov.nist.javax.sip.EventWrapper;
import gov.nist.javax.sip.SipProviderImpl;
import gov.nist.javax.sip.SipStackImpl;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.sip.DialogTerminatedEvent;
import javax.sip.InvalidArgumentException;
import javax.sip.ListeningPoint;
import javax.sip.PeerUnavailableException;
import javax.sip.SipFactory;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.TransportNotSupportedException;
import javax.sip.address.AddressFactory;
import javax.sip.header.HeaderFactory;
import javax.sip.message.MessageFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and disposes of JAIN-SIP RI stacks the way the project wants them: a unique stack name, SLF4J
 * logging instead of log4j ({@link Slf4jStackLogger}, {@link Slf4jServerLogger}), a bounded thread pool
 * and message size, and a {@link #shutdown(SipStack, SipProvider...)} that really ends the stack's
 * threads (the RI's EventScanner thread is not a daemon: a stack left running keeps the JVM alive).
 *
 * <pre>{@code
 * SipStack stack = SipStacks.builder("proxy").automaticDialogSupport(false).create();
 * ListeningPoint lp = SipStacks.listen(stack, "127.0.0.1", 0, ListeningPoint.UDP); // 0: ephemeral
 * SipProvider provider = stack.createSipProvider(lp);
 * provider.addSipListener(listener);
 * ...
 * SipStacks.shutdown(stack, provider);
 * }</pre>
 *
 * <p>Stacks are created directly (not through {@link SipFactory#createSipStack}), so that a stopped stack
 * is not retained in the factory's global table. The message, header and address factories are the
 * RI's shared ones ({@link #factories()}).
 */
public final class SipStacks {

    private static final Logger log = LoggerFactory.getLogger(SipStacks.class);

    /** Stack property naming the {@link gov.nist.core.StackLogger} class. */
    public static final String STACK_LOGGER = "gov.nist.javax.sip.STACK_LOGGER";
    /** Stack property naming the {@link gov.nist.core.ServerLogger} class. */
    public static final String SERVER_LOGGER = "gov.nist.javax.sip.SERVER_LOGGER";
    public static final String STACK_NAME = "javax.sip.STACK_NAME";
    public static final String AUTOMATIC_DIALOG_SUPPORT = "javax.sip.AUTOMATIC_DIALOG_SUPPORT";
    public static final String THREAD_POOL_SIZE = "gov.nist.javax.sip.THREAD_POOL_SIZE";
    public static final String MAX_MESSAGE_SIZE = "gov.nist.javax.sip.MAX_MESSAGE_SIZE";
    public static final String OUTBOUND_PROXY = "javax.sip.OUTBOUND_PROXY";
    public static final String REENTRANT_LISTENER = "gov.nist.javax.sip.REENTRANT_LISTENER";

    /** Default size of the stack's message-processing thread pool. */
    public static final int DEFAULT_THREAD_POOL_SIZE = 8;
    /** Default bound on a SIP message (bytes); larger messages are rejected by the stack. */
    public static final int DEFAULT_MAX_MESSAGE_SIZE = 65536;

    private static final AtomicLong COUNTER = new AtomicLong();
    private static volatile Factories factories;
    /** Stacks already shut down (weakly held): a second shutdown is a no-op, not another stop(). */
    private static final Set<SipStack> STOPPED = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    static {
        installLogging();
        // One header field per Via, Record-Route and Route value, not the RI's default of all values
        // comma-separated on one line: both are RFC 3261, but linphone's belle-sip 5.1 copies a
        // comma-separated Via or Record-Route list into its responses with values repeated (three
        // Vias came back as six, four Record-Routes as ten), so its dialogs' BYEs looped (482).
        gov.nist.javax.sip.header.SIPHeaderList.setPrettyEncode(true);
    }

    private SipStacks() {
    }

    /**
     * Makes the RI's static loggers use SLF4J even before the first stack exists (the RI otherwise
     * falls back to log4j, which is not on the class path, when a parser or factory logs). Idempotent;
     * called by this class's initialiser.
     */
    public static synchronized void installLogging() {
        if (CommonLogger.legacyLogger == null) {
            CommonLogger.legacyLogger = new Slf4jStackLogger();
        }
        CommonLogger.useLegacyLogger = true;
    }

    /** A builder for a stack whose name starts with {@code namePrefix} (made unique per JVM). */
    public static Builder builder(String namePrefix) {
        return new Builder(namePrefix);
    }

    /** A stack with the defaults and the given automatic dialog support (a proxy wants {@code false}). */
    public static SipStack create(String namePrefix, boolean automaticDialogSupport) throws PeerUnavailableException {
        return builder(namePrefix).automaticDialogSupport(automaticDialogSupport).create();
    }

    /**
     * Opens a listening point on {@code host}; {@code port} 0 means an ephemeral port chosen by the OS
     * (the RI itself refuses port 0, so a free port is probed and the bind retried if another process
     * takes it first). Transport is {@link ListeningPoint#UDP} or {@link ListeningPoint#TCP}.
     */
    public static ListeningPoint listen(SipStack stack, String host, int port, String transport)
            throws TransportNotSupportedException, InvalidArgumentException {
        if (port != 0) {
            return stack.createListeningPoint(host, port, transport);
        }
        InvalidArgumentException last = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            int free = freePort(host, transport);
            try {
                return stack.createListeningPoint(host, free, transport);
            } catch (InvalidArgumentException e) {
                last = e; // lost the race for the port: try another one
                log.debug("port {} taken before the SIP stack bound it, retrying: {}", free, e.getMessage());
            }
        }
        throw last;
    }

    private static int freePort(String host, String transport) throws InvalidArgumentException {
        InetSocketAddress addr = new InetSocketAddress(host, 0);
        try {
            if (ListeningPoint.UDP.equalsIgnoreCase(transport)) {
                try (DatagramSocket s = new DatagramSocket(addr)) {
                    return s.getLocalPort();
                }
            }
            try (ServerSocket s = new ServerSocket()) {
                s.bind(addr);
                return s.getLocalPort();
            }
        } catch (IOException e) {
            throw new InvalidArgumentException("cannot bind " + host + " (" + transport + "): " + e.getMessage(), e);
        }
    }

    /** The RI's address, header and message factories (created once, thread-safe to share). */
    public static Factories factories() {
        Factories f = factories;
        if (f == null) {
            synchronized (SipStacks.class) {
                f = factories;
                if (f == null) {
                    try {
                        SipFactory sf = SipFactory.getInstance();
                        sf.setPathName("gov.nist");
                        f = new Factories(sf.createAddressFactory(), sf.createHeaderFactory(),
                                sf.createMessageFactory());
                    } catch (PeerUnavailableException e) {
                        throw new IllegalStateException("JAIN-SIP RI not on the class path: " + e.getMessage(), e);
                    }
                    factories = f;
                }
            }
        }
        return f;
    }

    /**
     * Stops a stack for good: removes each provider's listener (the given providers and any others the
     * stack has), deletes the listening points (closing their sockets), and stops the stack, which drops
     * the providers and ends its EventScanner, timer and message-processor threads. Takes about one
     * second (the RI pauses inside stop()). Never throws; null-safe; idempotent.
     */
    public static void shutdown(SipStack stack, SipProvider... providers) {
        if (stack == null || !STOPPED.add(stack)) {
            return;
        }
        Set<SipProvider> all = new LinkedHashSet<>();
        if (providers != null) {
            for (SipProvider p : providers) {
                if (p != null) {
                    all.add(p);
                }
            }
        }
        try {
            for (Iterator<?> it = stack.getSipProviders(); it.hasNext(); ) {
                all.add((SipProvider) it.next());
            }
        } catch (RuntimeException e) {
            log.debug("could not list providers of {}: {}", stack.getStackName(), e.toString());
        }
        // Listeners are removed but providers are not deleted one by one: deleting the last provider
        // stops the stack by itself (with a one-second pause inside the RI), and stop() below drops them.
        for (SipProvider p : all) {
            try {
                if (p instanceof SipProviderImpl) {
                    SipListener l = ((SipProviderImpl) p).getSipListener();
                    if (l != null) {
                        p.removeSipListener(l);
                    }
                }
            } catch (RuntimeException e) {
                log.debug("removing the listener of a provider of {}: {}", stack.getStackName(), e.toString());
            }
        }
        List<ListeningPoint> points = new ArrayList<>();
        try {
            for (Iterator<?> it = stack.getListeningPoints(); it.hasNext(); ) {
                points.add((ListeningPoint) it.next());
            }
        } catch (RuntimeException e) {
            log.debug("could not list listening points of {}: {}", stack.getStackName(), e.toString());
        }
        for (ListeningPoint lp : points) {
            try {
                stack.deleteListeningPoint(lp);
            } catch (Exception e) {
                log.debug("deleting listening point {}:{} of {}: {}", lp.getIPAddress(), lp.getPort(),
                        stack.getStackName(), e.toString());
            }
        }
        // stop() flags the EventScanner as stopped, but its thread stays blocked in a queue take() until an
        // event arrives (an RI defect), keeping the JVM alive: capture it first and wake it afterwards.
        EventScanner scanner = stack instanceof SipStackImpl ? ((SipStackImpl) stack).getEventScanner() : null;
        try {
            stack.stop();
        } catch (RuntimeException e) {
            log.debug("stopping {}: {}", stack.getStackName(), e.toString());
        }
        if (scanner != null) {
            wake(scanner, all);
        }
        log.debug("SIP stack {} shut down", stack.getStackName());
    }

    /** Queues a no-op event (a dialog-terminated event from a provider without listener) so the scanner thread sees it was stopped. */
    private static void wake(EventScanner scanner, Set<SipProvider> providers) {
        try {
            Object source = null;
            for (SipProvider p : providers) {
                if (p instanceof SipProviderImpl) {
                    source = p; // deleted above: it has no listener any more
                    break;
                }
            }
            if (source == null) {
                Constructor<SipProviderImpl> c = SipProviderImpl.class.getDeclaredConstructor();
                c.setAccessible(true);
                source = c.newInstance();
            }
            scanner.addEvent(new EventWrapper(new DialogTerminatedEvent(source, null), null));
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("could not wake the SIP stack's event thread, it may keep the JVM alive: {}", e.toString());
        }
    }

    /** The RI's shared factories. */
    public record Factories(AddressFactory address, HeaderFactory header, MessageFactory message) {
    }

    /** Collects stack properties; {@link #create()} builds the stack. */
    public static final class Builder {
        private final String namePrefix;
        private boolean automaticDialogSupport = true;
        private int threadPoolSize = DEFAULT_THREAD_POOL_SIZE;
        private int maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
        private String outboundProxy;
        private final Properties extra = new Properties();

        private Builder(String namePrefix) {
            this.namePrefix = Objects.requireNonNull(namePrefix, "namePrefix");
        }

        /**
         * Whether the stack creates dialogs by itself ({@code true}, the JAIN-SIP default, what a user
         * agent wants) or only when the application asks (a stateful proxy wants {@code false}).
         */
        public Builder automaticDialogSupport(boolean on) {
            this.automaticDialogSupport = on;
            return this;
        }

        /** Threads processing incoming messages (must be at least 1). */
        public Builder threadPoolSize(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("thread pool size must be >= 1: " + n);
            }
            this.threadPoolSize = n;
            return this;
        }

        /** Largest accepted SIP message in bytes (must be at least 4096). */
        public Builder maxMessageSize(int bytes) {
            if (bytes < 4096) {
                throw new IllegalArgumentException("max message size must be >= 4096: " + bytes);
            }
            this.maxMessageSize = bytes;
            return this;
        }

        /**
         * Outbound proxy for requests without a Route: {@code "host:port/transport"}, e.g.
         * {@code "127.0.0.1:5060/udp"}; {@code null} for none.
         */
        public Builder outboundProxy(String hostPortTransport) {
            this.outboundProxy = hostPortTransport;
            return this;
        }

        /** Any other RI property (overrides the defaults set here). */
        public Builder property(String key, String value) {
            extra.setProperty(key, value);
            return this;
        }

        /** The properties {@link #create()} would use, with a freshly made unique stack name. */
        public Properties toProperties() {
            Properties p = new Properties();
            p.setProperty(STACK_NAME, namePrefix + "-" + ProcessHandle.current().pid() + "-"
                    + COUNTER.incrementAndGet());
            p.setProperty(STACK_LOGGER, Slf4jStackLogger.class.getName());
            p.setProperty(SERVER_LOGGER, Slf4jServerLogger.class.getName());
            p.setProperty(AUTOMATIC_DIALOG_SUPPORT, automaticDialogSupport ? "on" : "off");
            p.setProperty(THREAD_POOL_SIZE, Integer.toString(threadPoolSize));
            p.setProperty(MAX_MESSAGE_SIZE, Integer.toString(maxMessageSize));
            // Bound the transaction tables so a flood cannot exhaust memory.
            p.setProperty("gov.nist.javax.sip.MAX_SERVER_TRANSACTIONS", "10000");
            p.setProperty("gov.nist.javax.sip.MAX_CLIENT_TRANSACTIONS", "10000");
            // Do not log a stack trace with every message sent.
            p.setProperty("gov.nist.javax.sip.LOG_STACK_TRACE_ON_MESSAGE_SEND", "false");
            if (outboundProxy != null) {
                p.setProperty(OUTBOUND_PROXY, outboundProxy);
            }
            p.putAll(extra);
            return p;
        }

        /** Creates the stack (not yet listening: add listening points and providers). */
        public SipStack create() throws PeerUnavailableException {
            installLogging();
            Properties p = toProperties();
            try {
                SipStack stack = new SipStackImpl(p);
                log.debug("SIP stack {} created", stack.getStackName());
                return stack;
            } catch (PeerUnavailableException e) {
                throw e;
            } catch (RuntimeException e) {
                PeerUnavailableException pue = new PeerUnavailableException(
                        "cannot create SIP stack " + p.getProperty(STACK_NAME) + ": " + e.getMessage());
                pue.initCause(e);
                throw pue;
            }
        }
    }
}
