package dev.courier.http;

import dev.courier.http.internal.cookie.BundledPublicSuffixList;
import dev.courier.http.internal.cookie.PublicSuffixRules;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Tells the public suffix of a domain: the part under which anyone may register names, such as "com",
 * "co.uk" or "github.io". A {@link CookieJar} refuses a Domain attribute that names a public suffix
 * (RFC 6265 section 5.3 step 5), so that www.example.co.uk cannot set a cookie for every .co.uk site.
 *
 * <p>Examples, with the list of <a href="https://publicsuffix.org/">publicsuffix.org</a>: the public
 * suffix of "www.bbc.co.uk" is "co.uk", of "example.com" is "com", of "bar.pvt.k12.ma.us" is
 * "pvt.k12.ma.us", of "foo.github.io" is "github.io", and of a name under an unlisted top-level domain
 * such as "a.b.example" it is that label, "example" (the list's implicit "*" rule).
 *
 * <p>Implementations must be safe for concurrent use. One that returns the last label only is valid
 * and handy in tests, but it is not safe: it would let foo.co.uk set cookies for bar.co.uk.
 */
@FunctionalInterface
public interface PublicSuffixList {
    /**
     * {@return the public suffix of {@code domain}, in lower-case ASCII (IDN labels as punycode A-labels)} The
     * domain is a host name in either form, without a trailing dot.
     *
     * @param domain a host name, e.g. "www.bbc.co.uk"
     */
    String publicSuffix(String domain);

    /**
     * {@return the Mozilla Public Suffix List bundled with Courier, ICANN and private sections both (as
     * browsers and Go's publicsuffix package use it), loaded once at its first lookup} Its version and the
     * reasons for bundling it are in {@code toString()} and in the documentation of {@link
     * BundledPublicSuffixList}.
     */
    static PublicSuffixList mozilla() {
        return BundledPublicSuffixList.INSTANCE;
    }

    /**
     * Reads a list in the publicsuffix.org format (UTF-8, "//" comments, "*." wildcard and "!"
     * exception rules), for example a fresher copy such as Debian's
     * {@code /usr/share/publicsuffix/public_suffix_list.dat}.
     *
     * @param file the list to read, whole, now
     * @return the list's rules, safe for concurrent use
     * @throws IOException when the file cannot be read
     */
    static PublicSuffixList load(Path file) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return PublicSuffixRules.parse(reader, file.toString());
        }
    }
}
