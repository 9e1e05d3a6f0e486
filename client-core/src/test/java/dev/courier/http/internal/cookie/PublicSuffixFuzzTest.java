package dev.courier.http.internal.cookie;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzzes the public suffix lookup ({@link PublicSuffixRules}, behind {@code PublicSuffixList.mozilla()}) on the
 * bundled list and on rule lists the fuzzer writes (wildcards and exceptions in any mix). For every domain:
 * <ul>
 *   <li>the lookup never throws, and the public suffix is the domain itself or a whole-label suffix of it
 *       (after IDNA and lower-casing), never empty for a domain whose labels are all non-empty;
 *   <li>it equals what a plain reading of the publicsuffix.org algorithm gives ({@link #reference}): every
 *       matching rule considered, an exception rule prevailing (the longest, where several match), else the
 *       rule with the most labels, else "*". Rules with a '*' other than a leading "*." are left out of both,
 *       as PublicSuffixRules documents, and an exception rule of a single label leaves that label.
 * </ul>
 */
class PublicSuffixFuzzTest {
    private static final Rules BUNDLED = Rules.parse(bundledText());
    private static final PublicSuffixRules BUNDLED_RULES = parse(bundledText());

    @FuzzTest
    void publicSuffix(FuzzedDataProvider data) {
        boolean custom = data.consumeBoolean();
        String rulesText = custom ? data.consumeString(300) : null;
        String domain = data.consumeRemainingAsString();
        PublicSuffixRules rules = custom ? parse(rulesText) : BUNDLED_RULES;
        String suffix = rules.publicSuffix(domain);
        String ascii = CookieHosts.toAscii(domain);
        String d = CookieSyntax.asciiLower(ascii == null ? domain : ascii);
        assertThat(d.equals(suffix) || d.endsWith("." + suffix)).as("public suffix %s of %s", suffix, d).isTrue();
        if (!validLabels(d)) {
            return;
        }
        assertThat(suffix).isNotEmpty();
        String expected = (custom ? Rules.parse(rulesText) : BUNDLED).reference(d);
        assertThat(suffix).as("public suffix of %s under rules %s", d, custom ? rulesText.replace("\n", "|") : "bundled")
                .isEqualTo(expected);
    }

    private static boolean validLabels(String d) {
        if (d.isEmpty()) {
            return false;
        }
        for (String label : d.split("\\.", -1)) {
            if (label.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    private static PublicSuffixRules parse(String text) {
        try {
            return PublicSuffixRules.parse(new BufferedReader(new StringReader(text)), "fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String bundledText() {
        try (var in = BundledPublicSuffixList.class.getResourceAsStream(BundledPublicSuffixList.RESOURCE)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A list read into plain rules (labels, exception or not), matched by the algorithm as written. */
    private static final class Rules {
        record Rule(String[] labels, boolean exception) {
        }

        private final java.util.Map<String, List<Rule>> byLastLabel = new java.util.HashMap<>();

        static Rules parse(String text) {
            Rules rules = new Rules();
            for (String line : (Iterable<String>) text.lines()::iterator) { // CR, LF or CRLF, as readLine
                line = line.strip();
                if (line.startsWith("//")) {
                    continue;
                }
                int ws = 0;
                while (ws < line.length() && !Character.isWhitespace(line.charAt(ws))) {
                    ws++;
                }
                String rule = line.substring(0, ws);
                boolean exception = rule.startsWith("!");
                String name = exception ? rule.substring(1) : rule;
                String body = name.startsWith("*.") ? name.substring(2) : name;
                String ascii = CookieHosts.toAscii(body);
                if (rule.isEmpty() || ascii == null || ascii.isEmpty() || ascii.indexOf('*') >= 0
                        || exception && name.startsWith("*.")) {
                    continue; // what PublicSuffixRules cannot express
                }
                String full = (name.startsWith("*.") ? "*." : "") + CookieSyntax.asciiLower(ascii);
                String[] labels = full.split("\\.", -1);
                rules.byLastLabel.computeIfAbsent(labels[labels.length - 1], k -> new ArrayList<>())
                        .add(new Rule(labels, exception));
            }
            return rules;
        }

        /** https://publicsuffix.org/list/ "Algorithm", for a lower-case ASCII domain of non-empty labels. */
        String reference(String domain) {
            String[] labels = domain.split("\\.");
            Rule prevailing = null;
            Rule longestException = null;
            for (Rule r : byLastLabel.getOrDefault(labels[labels.length - 1], List.of())) {
                if (!matches(r, labels)) {
                    continue;
                }
                if (r.exception()) {
                    if (longestException == null || r.labels().length > longestException.labels().length) {
                        longestException = r;
                    }
                } else if (prevailing == null || r.labels().length > prevailing.labels().length) {
                    prevailing = r;
                }
            }
            // An exception rule of one label (the real list has none) would leave nothing: PublicSuffixRules
            // keeps that label, as a public suffix is never empty.
            int n = longestException != null ? Math.max(1, longestException.labels().length - 1)
                    : prevailing != null ? prevailing.labels().length : 1;
            return String.join(".", Arrays.copyOfRange(labels, labels.length - n, labels.length));
        }

        private static boolean matches(Rule r, String[] domain) {
            String[] rule = r.labels();
            if (rule.length > domain.length) {
                return false;
            }
            for (int i = 1; i <= rule.length; i++) {
                String label = rule[rule.length - i];
                if (!label.equals("*") && !label.equals(domain[domain.length - i])) {
                    return false;
                }
            }
            return true;
        }
    }
}
