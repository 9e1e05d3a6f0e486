package dev.courier.http;

import io.netty.resolver.HostsFileEntriesProvider;
import io.netty.resolver.HostsFileEntriesResolver;
import io.netty.resolver.ResolvedAddressTypes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Answers name lookups from a hosts file given to {@link Transport.Builder#hostsFile}, in the resolver's preferred family. */
final class HostsFile {
    private HostsFile() {
    }

    static HostsFileEntriesResolver resolver(Path file) {
        HostsFileEntriesProvider entries;
        try {
            entries = HostsFileEntriesProvider.parser().parse(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read hosts file " + file + ": " + e.getMessage(), e);
        }
        Map<String, List<InetAddress>> v4 = entries.ipv4Entries();
        Map<String, List<InetAddress>> v6 = entries.ipv6Entries();
        return (host, types) -> {
            String name = host.toLowerCase(Locale.ROOT);
            if (name.endsWith(".")) {
                name = name.substring(0, name.length() - 1);
            }
            List<InetAddress> first = types == ResolvedAddressTypes.IPV6_ONLY || types == ResolvedAddressTypes.IPV6_PREFERRED
                    ? v6.get(name) : v4.get(name);
            List<InetAddress> second = types == ResolvedAddressTypes.IPV6_ONLY || types == ResolvedAddressTypes.IPV6_PREFERRED
                    ? v4.get(name) : v6.get(name);
            if (first != null && !first.isEmpty()) {
                return first.get(0);
            }
            boolean onlyOne = types == ResolvedAddressTypes.IPV4_ONLY || types == ResolvedAddressTypes.IPV6_ONLY;
            return !onlyOne && second != null && !second.isEmpty() ? second.get(0) : null;
        };
    }
}
