package dev.courier.http.internal.cookie;

import dev.courier.http.PublicSuffixList;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

/**
 * A parsed public suffix list: the publicsuffix.org algorithm over three hash sets, so a lookup costs
 * one set probe per label of the domain, whatever the size of the list.
 *
 * <p>The algorithm (https://publicsuffix.org/list/): of the rules that match the domain, an exception
 * rule ("!www.ck") prevails, else the rule with the most labels; a wildcard ("*.ck") matches any one
 * label; with no match the implicit rule "*" applies. The public suffix is the matched labels, minus
 * the leftmost one for an exception rule.
 */
public final class PublicSuffixRules implements PublicSuffixList {
    /** Plain rules, "co.uk". */
    private final Set<String> rules;
    /** The parents of wildcard rules: "ck" for "*.ck". */
    private final Set<String> wildcards;
    /** Exception rules without their '!': "www.ck". */
    private final Set<String> exceptions;
    private final String description;

    private PublicSuffixRules(Set<String> rules, Set<String> wildcards, Set<String> exceptions, String description) {
        this.rules = rules;
        this.wildcards = wildcards;
        this.exceptions = exceptions;
        this.description = description;
    }

    /**
     * Parses a list in the publicsuffix.org format. Each line is read up to its first whitespace;
     * "//" starts a comment; Unicode rules are stored as A-labels, the form canonical hosts have. The
     * "// VERSION:" and "// COMMIT:" header lines of the Mozilla list, when present, go into
     * {@link #toString()}.
     */
    public static PublicSuffixRules parse(BufferedReader reader, String source) throws IOException {
        Set<String> rules = new HashSet<>();
        Set<String> wildcards = new HashSet<>();
        Set<String> exceptions = new HashSet<>();
        String version = null;
        String commit = null;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            line = line.strip();
            if (line.startsWith("//")) {
                if (line.startsWith("// VERSION:") && version == null) {
                    version = line.substring("// VERSION:".length()).strip();
                } else if (line.startsWith("// COMMIT:") && commit == null) {
                    commit = line.substring("// COMMIT:".length()).strip();
                }
                continue;
            }
            int space = indexOfWhitespace(line);
            String rule = space < 0 ? line : line.substring(0, space);
            if (rule.isEmpty()) {
                continue;
            }
            boolean exception = rule.startsWith("!");
            boolean wildcard = rule.startsWith("*.");
            String name = exception ? rule.substring(1) : wildcard ? rule.substring(2) : rule;
            String ascii = CookieHosts.toAscii(name);
            // The list has wildcards only as the leftmost label; a rule that is "*" itself or has one
            // elsewhere cannot be expressed here and is skipped rather than misread.
            if (ascii == null || ascii.isEmpty() || ascii.indexOf('*') >= 0) {
                continue;
            }
            ascii = CookieSyntax.asciiLower(ascii);
            (exception ? exceptions : wildcard ? wildcards : rules).add(ascii);
        }
        StringBuilder description = new StringBuilder("public suffix list ").append(source);
        if (version != null) {
            description.append(", version ").append(version);
        }
        if (commit != null) {
            description.append(", commit ").append(commit);
        }
        description.append(" (").append(rules.size() + wildcards.size() + exceptions.size()).append(" rules)");
        return new PublicSuffixRules(Set.copyOf(rules), Set.copyOf(wildcards), Set.copyOf(exceptions),
                description.toString());
    }

    @Override
    public String publicSuffix(String domain) {
        String ascii = CookieHosts.toAscii(domain);
        String d = CookieSyntax.asciiLower(ascii == null ? domain : ascii);
        String longest = null;
        int start = 0;
        while (true) {
            String candidate = start == 0 ? d : d.substring(start);
            // An exception rule prevails over any other, even a longer one, so every level is probed.
            if (exceptions.contains(candidate)) {
                int dot = candidate.indexOf('.');
                return dot < 0 ? candidate : candidate.substring(dot + 1);
            }
            if (longest == null) {
                int dot = candidate.indexOf('.');
                if (rules.contains(candidate) || dot > 0 && wildcards.contains(candidate.substring(dot + 1))) {
                    longest = candidate;
                }
            }
            int next = d.indexOf('.', start);
            if (next < 0) {
                break;
            }
            start = next + 1;
        }
        return longest != null ? longest : d.substring(d.lastIndexOf('.') + 1);
    }

    /** Where the rules came from, the list's version and commit when it names them, and their count. */
    @Override
    public String toString() {
        return description;
    }

    private static int indexOfWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }
}
