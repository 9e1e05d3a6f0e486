package dev.courier.http.internal.proxy;

import java.net.IDN;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The NO_PROXY rules of Go's {@code httpproxy.Config.useProxy}: "*" for everything; CIDR ranges; IP
 * addresses; domain names matching themselves and their subdomains, or only subdomains with a leading
 * "." or "*."; each optionally restricted to a port. Localhost and loopback addresses are never proxied.
 *
 * <p>An IP literal is matched against the IP and CIDR rules only, never the domain rules: the zone of
 * an IPv6 literal ({@code [1000::%25.example.com]}, RFC 6874) is free text that would otherwise match a
 * rule such as {@code example.com} and send the request around the proxy (CVE-2025-22870, fixed in
 * golang.org/x/net v0.36.0 the same way).
 */
final class NoProxy {
    private final boolean all;
    private final List<Matcher> ipMatchers;
    private final List<Matcher> domainMatchers;

    private NoProxy(boolean all, List<Matcher> ipMatchers, List<Matcher> domainMatchers) {
        this.all = all;
        this.ipMatchers = ipMatchers;
        this.domainMatchers = domainMatchers;
    }

    private interface Matcher {
        boolean matches(String host, int port, InetAddress ip);
    }

    static NoProxy parse(String value) {
        List<Matcher> ipMatchers = new ArrayList<>();
        List<Matcher> domainMatchers = new ArrayList<>();
        for (String raw : value.split(",")) {
            String entry = raw.trim().toLowerCase(Locale.ROOT);
            if (entry.isEmpty()) {
                continue;
            }
            if (entry.equals("*")) {
                return new NoProxy(true, List.of(), List.of());
            }
            int slash = entry.indexOf('/');
            if (slash > 0) {
                Matcher cidr = cidr(entry, slash);
                if (cidr != null) {
                    ipMatchers.add(cidr);
                    continue;
                }
            }
            String host = entry;
            int port = -1;
            int colon = entry.lastIndexOf(':');
            if (colon >= 0 && entry.indexOf(':') == colon || entry.startsWith("[") && entry.contains("]:")) {
                // Go's net.SplitHostPort: "host:" means any port, ":port" has no host and is skipped
                host = entry.substring(0, colon);
                String p = entry.substring(colon + 1);
                try {
                    port = p.isEmpty() ? -1 : Integer.parseInt(p);
                } catch (NumberFormatException notAPort) {
                    host = entry;
                    port = -1;
                }
                if (host.isEmpty()) {
                    continue;
                }
            }
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            InetAddress ip = literal(host);
            if (ip != null) {
                int p = port;
                ipMatchers.add((h, reqPort, reqIp) -> ip.equals(reqIp) && (p == -1 || p == reqPort));
                continue;
            }
            if (host.startsWith("*.")) {
                host = host.substring(1);
            }
            boolean matchHost = !host.startsWith(".");
            String name = matchHost ? host : host.substring(1);
            try {
                name = IDN.toASCII(name, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
            } catch (IllegalArgumentException keep) {
                // not IDNA-convertible: compare as written
            }
            String suffix = "." + name;
            String s = suffix;
            int p = port;
            domainMatchers.add((h, reqPort, reqIp) -> (h.endsWith(s) || matchHost && h.equals(s.substring(1)))
                    && (p == -1 || p == reqPort));
        }
        return new NoProxy(false, ipMatchers, domainMatchers);
    }

    /** Whether a request to {@code host}:{@code port} goes through the proxy. */
    boolean useProxy(String host, int port) {
        if (host == null || host.isEmpty()) {
            return true;
        }
        String h = host.toLowerCase(Locale.ROOT);
        // java.net.URI keeps the brackets of an IPv6 host and its zone still percent-encoded
        // ("[fe80::1%25eth0]"); the address is parsed without the zone, which only names a local interface.
        boolean bracketed = h.startsWith("[") && h.endsWith("]");
        if (bracketed) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.equals("localhost")) {
            return false;
        }
        InetAddress ip = literal(h);
        if (ip != null && ip.isLoopbackAddress()) {
            return false;
        }
        if (all) {
            return false;
        }
        if (ip != null || bracketed) {
            // An IP literal (even one whose zone or form the parser refuses) never meets the domain rules.
            for (Matcher m : ipMatchers) {
                if (ip != null && m.matches(h, port, ip)) {
                    return false;
                }
            }
            return true;
        }
        try {
            h = IDN.toASCII(h, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException keep) {
            // compare as given
        }
        for (Matcher m : domainMatchers) {
            if (m.matches(h, port, null)) {
                return false;
            }
        }
        return true;
    }

    private static Matcher cidr(String entry, int slash) {
        InetAddress network = literal(entry.substring(0, slash));
        int bits;
        try {
            bits = Integer.parseInt(entry.substring(slash + 1));
        } catch (NumberFormatException e) {
            return null;
        }
        if (network == null || bits < 0 || bits > network.getAddress().length * 8) {
            return null;
        }
        byte[] net = network.getAddress();
        return (h, port, ip) -> {
            if (ip == null) {
                return false;
            }
            byte[] a = ip.getAddress();
            if (a.length != net.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (a[i] != net[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xff << (8 - rest) & 0xff;
            return (a[full] & mask) == (net[full] & mask);
        };
    }

    /** The address if {@code host} is an IP literal (parsed by Netty, never a DNS lookup), else null. */
    static InetAddress literal(String host) {
        byte[] bytes = io.netty.util.NetUtil.createByteArrayFromIpAddressString(host);
        if (bytes == null) {
            return null;
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException impossible) {
            return null;
        }
    }
}
