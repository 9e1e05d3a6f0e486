package dev.courier.http.internal.cookie;

import dev.courier.http.PublicSuffixList;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The Mozilla Public Suffix List shipped in client-core's jar, parsed once at the first lookup.
 *
 * <p><b>What is bundled.</b> The resource {@value #RESOURCE} is the list from publicsuffix.org,
 * byte for byte: "VERSION: 2026-10-06_16-13-12_UTC", "COMMIT: 4018bd98001399ebff682f401664d469787ed7eb"
 * in its header. It is licensed under the Mozilla Public License 2.0, whose notice the file carries
 * at its top; being unmodified and in source form, it is redistributed as the MPL asks. Both sections
 * are used: ICANN (registry suffixes, "co.uk") and PRIVATE (suffixes that companies open to the public,
 * "github.io", "blogspot.com"), as browsers and Go's golang.org/x/net/publicsuffix do; a user's site at
 * alice.github.io must not set cookies that bob.github.io receives.
 *
 * <p><b>Why a bundled file rather than a library.</b> The list is data, not code: bundling it keeps
 * client-core free of a 3 MB dependency (Guava's InternetDomainName) whose copy of the list is
 * compiled into classes and only as fresh as the Guava release a user's build happens to resolve, and it
 * keeps the version visible ({@link #toString()}) and refreshable with one file copy. The copy was taken
 * unchanged from the newest source reachable when it was added (publicsuffix.org itself being out of
 * reach from the build machines): Apache HttpClient 5.6.5 on Maven Central, which ships the list as
 * {@code org/publicsuffix/list/effective_tld_names.dat}; Debian's {@code publicsuffix} package had
 * only the 2023-02-09 list. Users who keep a fresher list can pass
 * {@link PublicSuffixList#load(java.nio.file.Path)} to the jar builder. To refresh the bundle, replace
 * the file with publicsuffix.org/list/public_suffix_list.dat and update the version named above.
 *
 * <p><b>Cost.</b> About 10,000 rules in three hash sets, parsed on first use in about 0.1 s on a cold
 * JVM (a holder class makes it lazy and once-only); each lookup probes one set entry per label of the
 * domain, a few hundred nanoseconds.
 */
public final class BundledPublicSuffixList implements PublicSuffixList {
    /** The shared instance behind {@link PublicSuffixList#mozilla()}. */
    public static final BundledPublicSuffixList INSTANCE = new BundledPublicSuffixList();

    static final String RESOURCE = "public_suffix_list.dat";

    private BundledPublicSuffixList() {
    }

    @Override
    public String publicSuffix(String domain) {
        return Holder.RULES.publicSuffix(domain);
    }

    /** The bundled list's version, commit and rule count. */
    @Override
    public String toString() {
        return Holder.RULES.toString();
    }

    /** Loads the rules when first touched: the JVM runs a class initializer once, thread-safely. */
    private static final class Holder {
        static final PublicSuffixRules RULES = load();

        private static PublicSuffixRules load() {
            InputStream in = BundledPublicSuffixList.class.getResourceAsStream(RESOURCE);
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " is missing from client-core's jar");
            }
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                return PublicSuffixRules.parse(reader, "bundled with Courier (Mozilla, MPL-2.0)");
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + RESOURCE, e);
            }
        }
    }
}
