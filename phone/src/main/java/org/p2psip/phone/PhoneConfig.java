package org.p2psip.phone;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;

/**
 * How a {@link Phone} is set up. Build with {@link #builder(String, InetSocketAddress)}.
 *
 * <ul>
 * <li>{@code user}: the user part of the phone's address of record {@code sip:user@domain}</li>
 * <li>{@code proxy}: registrar and outbound proxy; every out-of-dialog request goes there (pre-loaded
 * loose Route)</li>
 * <li>{@code domain}: the AoR domain; default the proxy's host</li>
 * <li>{@code listenHost}/{@code listenPort}: local SIP UDP address (port 0: ephemeral); the host is also
 * used in Via, Contact and SDP, so it must be an address the proxy can reach (default 127.0.0.1)</li>
 * <li>{@code mediaHost}: where RTP is bound and what the SDP advertises; default {@code listenHost}</li>
 * <li>{@code registerExpires}: requested registration lifetime in seconds (refreshed at half of what the
 * registrar grants)</li>
 * <li>{@code requestTimeout}: how long to wait for the final response to REGISTER, BYE, CANCEL</li>
 * <li>{@code steps}: receives one line per step (registered, calling, ringing, ...); default: logged</li>
 * </ul>
 */
public final class PhoneConfig {

    private static final Pattern USER = Pattern.compile("[A-Za-z0-9._~!$&'()*+,;=%-]+");

    private final String user;
    private final InetSocketAddress proxy;
    private final String domain;
    private final String listenHost;
    private final int listenPort;
    private final String mediaHost;
    private final int registerExpires;
    private final String password;
    private final Duration requestTimeout;
    private final Consumer<String> steps;

    private PhoneConfig(Builder b) {
        this.user = b.user;
        this.proxy = b.proxy;
        this.domain = b.domain != null ? b.domain : hostString(b.proxy);
        this.listenHost = b.listenHost;
        this.listenPort = b.listenPort;
        this.mediaHost = b.mediaHost != null ? b.mediaHost : b.listenHost;
        this.registerExpires = b.registerExpires;
        this.password = b.password;
        this.requestTimeout = b.requestTimeout;
        this.steps = b.steps != null ? b.steps : LoggerFactory.getLogger(Phone.class)::info;
    }

    /** A builder for user {@code user} whose proxy/registrar is {@code proxy}. */
    public static Builder builder(String user, InetSocketAddress proxy) {
        return new Builder(user, proxy);
    }

    public String user() {
        return user;
    }

    public InetSocketAddress proxy() {
        return proxy;
    }

    public String domain() {
        return domain;
    }

    public String listenHost() {
        return listenHost;
    }

    public int listenPort() {
        return listenPort;
    }

    public String mediaHost() {
        return mediaHost;
    }

    /** The password answering a digest challenge (401/407) of the proxy, or null (the phone does not authenticate). */
    public String password() {
        return password;
    }

    public int registerExpires() {
        return registerExpires;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    public Consumer<String> steps() {
        return steps;
    }

    static String hostString(InetSocketAddress a) {
        return a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
    }

    /** Checks that {@code user} is a plain SIP user part. */
    static String checkUser(String user, String what) {
        Objects.requireNonNull(user, what);
        if (!USER.matcher(user).matches()) {
            throw new IllegalArgumentException(what + " is not a valid SIP user name: '" + user + "'");
        }
        return user;
    }

    /** Collects the settings. */
    public static final class Builder {
        private final String user;
        private final InetSocketAddress proxy;
        private String domain;
        private String listenHost = "127.0.0.1";
        private int listenPort;
        private String mediaHost;
        private int registerExpires = 3600;
        private String password;
        private Duration requestTimeout = Duration.ofSeconds(10);
        private Consumer<String> steps;

        private Builder(String user, InetSocketAddress proxy) {
            this.user = checkUser(user, "user");
            this.proxy = Objects.requireNonNull(proxy, "proxy");
            if (proxy.getPort() <= 0) {
                throw new IllegalArgumentException("proxy port missing: " + proxy);
            }
        }

        public Builder domain(String domain) {
            this.domain = Objects.requireNonNull(domain, "domain");
            return this;
        }

        /** Local SIP address; port 0 for an ephemeral port. */
        public Builder listen(String host, int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("bad listen port: " + port);
            }
            this.listenHost = Objects.requireNonNull(host, "host");
            this.listenPort = port;
            return this;
        }

        public Builder mediaHost(String host) {
            this.mediaHost = Objects.requireNonNull(host, "host");
            return this;
        }

        /** The password for the proxy's digest challenges (RFC 3261 Sec. 22), or null. */
        public Builder password(String password) {
            this.password = password;
            return this;
        }

        /** Requested registration lifetime in seconds (at least 1). */
        public Builder registerExpires(int seconds) {
            if (seconds < 1) {
                throw new IllegalArgumentException("registration expiry must be >= 1 s: " + seconds);
            }
            this.registerExpires = seconds;
            return this;
        }

        public Builder requestTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("request timeout must be positive: " + timeout);
            }
            this.requestTimeout = timeout;
            return this;
        }

        /** Receives one human-readable line per step of the phone. */
        public Builder steps(Consumer<String> steps) {
            this.steps = Objects.requireNonNull(steps, "steps");
            return this;
        }

        public PhoneConfig build() {
            return new PhoneConfig(this);
        }
    }
}
