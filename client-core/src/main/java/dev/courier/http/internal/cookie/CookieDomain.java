package dev.courier.http.internal.cookie;

import dev.courier.http.PublicSuffixList;

/**
 * The domain a cookie is stored for and whether it is host-only, as RFC 6265 section 5.3 steps 4-6
 * decide them from the request host and the Domain attribute (Go's cookiejar.domainAndType).
 *
 * @param domain the canonical host for a host-only cookie, else the canonical Domain attribute
 * @param hostOnly whether the cookie goes to exactly {@code domain} and none of its subdomains
 */
public record CookieDomain(String domain, boolean hostOnly) {

    /**
     * Resolves the Domain attribute {@code attribute} (raw, as sent; null or empty when absent) of a
     * cookie received from the canonical {@code host}; null when the cookie must be rejected.
     */
    public static CookieDomain resolve(String host, String attribute, PublicSuffixList publicSuffixList) {
        if (attribute == null || attribute.isEmpty()) {
            return new CookieDomain(host, true);
        }
        if (CookieHosts.isIp(host)) {
            // An IP address has no subdomains, so "Domain=<the same IP>" is allowed and host-only,
            // as browsers and curl treat it; any other value, ".1.2.3.4" included, is rejected.
            return CookieSyntax.asciiLower(attribute).equals(host) ? new CookieDomain(host, true) : null;
        }
        // 5.2.3: one leading dot is ignored. "Domain=." and "Domain=..x" are malformed.
        String domain = attribute.startsWith(".") ? attribute.substring(1) : attribute;
        if (domain.isEmpty() || domain.startsWith(".")) {
            return null;
        }
        // 5.1.2 canonicalization, as for the host: a non-ASCII Domain becomes its A-label form (Go
        // rejects it instead; browsers convert it).
        domain = CookieHosts.toAscii(domain);
        if (domain == null) {
            return null;
        }
        domain = CookieSyntax.asciiLower(domain);
        // "Domain=www.example.com." never domain-matches a canonical host (5.1.3); reject it as
        // Go does rather than guess.
        if (domain.endsWith(".")) {
            return null;
        }
        // 5.3 step 5: a public suffix is refused, except when it is the host itself, and then the
        // cookie is host-only.
        String suffix = publicSuffixList.publicSuffix(domain);
        if (suffix != null && !suffix.isEmpty() && !CookieHosts.hasDotSuffix(domain, suffix)) {
            return host.equals(domain) ? new CookieDomain(host, true) : null;
        }
        // 5.3 step 6: www.example.com may set cookies for example.com, not for other.com.
        if (!host.equals(domain) && !CookieHosts.hasDotSuffix(host, domain)) {
            return null;
        }
        return new CookieDomain(domain, false);
    }
}
