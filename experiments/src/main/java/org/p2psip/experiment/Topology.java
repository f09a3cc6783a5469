package org.p2psip.experiment;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a {@link Lab} consists of, before anything is built: its sites and the links between them.
 * A site is one host on the shared backbone (a bridge), either directly (a public site) or behind
 * its own NAT router. Every pair of sites is connected through the backbone; a {@link Link} says
 * what a pair's path does to packets (rate, queue, loss), {@link Builder#defaultLink} what every
 * other pair's does (default: full speed).
 *
 * <pre>
 * Topology topology = Topology.builder()
 *         .site("A").site("B").site("C")
 *         .link("A", "B", Link.rateKbit(2000).queueMillis(300))
 *         .build();
 * </pre>
 *
 * <p>Addresses, in the order the sites were added: the n-th public site (n = 0, 1, ...) gets
 * 203.0.113.(10+n) on the backbone 203.0.113.0/24 (TEST-NET-3, never routed); the n-th NAT'ed site
 * (n = 1, 2, ...) gets the private network 10.n.0.0/24 with its router at 10.n.0.1 and its host at
 * 10.n.0.2, and the router's public address 203.0.113.(100+n). A site's namespace is
 * {@code <prefix><name>}, its router's {@code <prefix><router name>}, the backbone's
 * {@code <prefix>wan}.
 */
public final class Topology {

    /** At most this many public sites (203.0.113.10 .. .99). */
    public static final int MAX_PUBLIC_SITES = 90;
    /** At most this many NAT'ed sites (10.1.0.0/24 .. 10.99.0.0/24, routers 203.0.113.101 .. .199). */
    public static final int MAX_NAT_SITES = 99;

    /** Site and router names: they become namespace names and, with {@code p-}, bridge port names (at most 15 characters). */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,12}");
    private static final int MAX_SITE_NAME = 9;

    private final List<SiteSpec> sites;
    private final Map<String, Link> links;
    private final Link defaultLink;
    private final Integer udpTimeout;
    private final Integer udpStreamTimeout;

    private Topology(Builder b) {
        this.sites = List.copyOf(b.sites);
        this.links = Map.copyOf(b.links);
        this.defaultLink = b.defaultLink;
        this.udpTimeout = b.udpTimeout;
        this.udpStreamTimeout = b.udpStreamTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * One site as described: its name, and for a NAT'ed site the NAT's mode and the router's name.
     *
     * @param name       the site's (its host's) name, e.g. {@code A}
     * @param nat        the NAT router's mode; null for a public site
     * @param routerName the router's name; null for a public site
     * @param index      the site's position in the topology (0-based)
     * @param number     public site: 0-based among public sites; NAT'ed site: 1-based among NAT'ed sites
     */
    public record SiteSpec(String name, NatMode nat, String routerName, int index, int number) {

        public boolean behindNat() {
            return nat != null;
        }

        /** The host's own address: 203.0.113.(10+n), or 10.n.0.2 behind a NAT. */
        public String hostIp() {
            return behindNat() ? "10." + number + ".0.2" : "203.0.113." + (10 + number);
        }

        /** The address other sites reach it at: its own, or its router's public 203.0.113.(100+n). */
        public String publicIp() {
            return behindNat() ? "203.0.113." + (100 + number) : hostIp();
        }

        /** The NAT router's inside address 10.n.0.1 (null for a public site). */
        public String routerInsideIp() {
            return behindNat() ? "10." + number + ".0.1" : null;
        }

        /** The private network 10.n.0.0/24 (null for a public site). */
        public String lanCidr() {
            return behindNat() ? "10." + number + ".0.0/24" : null;
        }
    }

    /** The sites, in the order they were added. */
    public List<SiteSpec> sites() {
        return sites;
    }

    /** The site named {@code name}, or an exception naming the sites there are. */
    public SiteSpec site(String name) {
        for (SiteSpec site : sites) {
            if (site.name().equals(name)) {
                return site;
            }
        }
        List<String> names = new ArrayList<>();
        sites.forEach(s -> names.add(s.name()));
        throw new IllegalArgumentException("no site '" + name + "' in the topology (sites: " + String.join(", ", names) + ")");
    }

    /** The link from {@code from} to {@code to} as described (the default link unless one was given). */
    public Link link(String from, String to) {
        return orient(links, from, to).orElse(defaultLink);
    }

    public Link defaultLink() {
        return defaultLink;
    }

    /** The NAT routers' conntrack UDP timeout in seconds, if set. */
    public Optional<Integer> udpTimeoutSeconds() {
        return Optional.ofNullable(udpTimeout);
    }

    /** The NAT routers' conntrack UDP stream timeout in seconds, if set. */
    public Optional<Integer> udpStreamTimeoutSeconds() {
        return Optional.ofNullable(udpStreamTimeout);
    }

    /** The key of an unordered pair of sites in a link map: the names in topology order. */
    static String pairKey(List<SiteSpec> sites, String a, String b) {
        return index(sites, a) < index(sites, b) ? a + "|" + b : b + "|" + a;
    }

    /** {@code links}' entry for the pair, seen from {@code from}, if there is one. */
    Optional<Link> orient(Map<String, Link> map, String from, String to) {
        Link link = map.get(pairKey(sites, from, to));
        if (link == null) {
            return Optional.empty();
        }
        return Optional.of(index(sites, from) < index(sites, to) ? link : link.reversed());
    }

    private static int index(List<SiteSpec> sites, String name) {
        for (SiteSpec site : sites) {
            if (site.name().equals(name)) {
                return site.index();
            }
        }
        throw new IllegalArgumentException("no site '" + name + "' in the topology");
    }

    /** Describes a {@link Topology} step by step; each step checks its input. */
    public static final class Builder {
        private final List<SiteSpec> sites = new ArrayList<>();
        private final Set<String> names = new HashSet<>();
        private final Map<String, Link> links = new LinkedHashMap<>();
        private Link defaultLink = Link.UNLIMITED;
        private Integer udpTimeout;
        private Integer udpStreamTimeout;
        private int publicSites;
        private int natSites;

        private Builder() {
        }

        /** A public site: a host directly on the backbone, at 203.0.113.(10+n). */
        public Builder site(String name) {
            checkName(name, MAX_SITE_NAME);
            if (publicSites == MAX_PUBLIC_SITES) {
                throw new IllegalArgumentException("at most " + MAX_PUBLIC_SITES + " public sites");
            }
            sites.add(new SiteSpec(name, null, null, sites.size(), publicSites++));
            return this;
        }

        /** A site behind its own NAT router (named {@code <name>-nat}) in {@code mode}. */
        public Builder natSite(String name, NatMode mode) {
            return natSite(name, name + "-nat", mode);
        }

        /** A site behind its own NAT router named {@code routerName} in {@code mode}. */
        public Builder natSite(String name, String routerName, NatMode mode) {
            Objects.requireNonNull(mode, "NAT mode");
            checkName(name, MAX_SITE_NAME);
            checkName(routerName, 13);
            if (natSites == MAX_NAT_SITES) {
                throw new IllegalArgumentException("at most " + MAX_NAT_SITES + " NAT'ed sites");
            }
            sites.add(new SiteSpec(name, mode, routerName, sites.size(), ++natSites));
            return this;
        }

        /** What the path between sites {@code a} and {@code b} does ({@link Link}'s forward: from a to b). */
        public Builder link(String a, String b, Link link) {
            Objects.requireNonNull(link, "link");
            if (a.equals(b)) {
                throw new IllegalArgumentException("a link joins two different sites, not '" + a + "' with itself");
            }
            String key = pairKey(sites, a, b);
            links.put(key, key.startsWith(a + "|") ? link : link.reversed());
            return this;
        }

        /** What the path between every pair of sites without a {@link #link} does (default: full speed). */
        public Builder defaultLink(Link link) {
            this.defaultLink = Objects.requireNonNull(link, "default link");
            return this;
        }

        /** The NAT routers' conntrack UDP timeouts in seconds (null: the kernel's 30 s and 120 s). */
        public Builder conntrackUdpTimeouts(Integer unrepliedSeconds, Integer streamSeconds) {
            this.udpTimeout = checkTimeout(unrepliedSeconds);
            this.udpStreamTimeout = checkTimeout(streamSeconds);
            return this;
        }

        public Topology build() {
            if (sites.isEmpty()) {
                throw new IllegalArgumentException("a topology needs at least one site");
            }
            return new Topology(this);
        }

        private void checkName(String name, int max) {
            if (name == null || !NAME.matcher(name).matches() || name.length() > max) {
                throw new IllegalArgumentException("a name must be 1.." + max
                        + " letters, digits, '-' or '_' (starting with a letter or digit), not '" + name + "'");
            }
            if (name.equals("wan")) {
                throw new IllegalArgumentException("'wan' is the backbone's name");
            }
            if (!names.add(name)) {
                throw new IllegalArgumentException("the name '" + name + "' is used twice");
            }
        }

        private static Integer checkTimeout(Integer seconds) {
            if (seconds != null && seconds < 1) {
                throw new IllegalArgumentException("timeout must be at least 1 s, not " + seconds);
            }
            return seconds;
        }
    }
}
