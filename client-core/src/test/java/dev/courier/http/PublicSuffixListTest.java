package dev.courier.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.http.internal.cookie.BundledPublicSuffixList;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.IDN;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link PublicSuffixList#mozilla()} against the publicsuffix.org test cases and Go's
 * golang.org/x/net/publicsuffix cases, against a brute-force reading of every rule of the bundled
 * list, and {@link PublicSuffixList#load} on a small list of its own.
 */
class PublicSuffixListTest {
    private static final PublicSuffixList PSL = PublicSuffixList.mozilla();

    /** The bundled rules, read back from the resource for the brute-force oracle. */
    private static List<String> rules;

    @BeforeAll
    static void readRules() throws IOException {
        rules = new ArrayList<>();
        try (InputStream in = BundledPublicSuffixList.class.getResourceAsStream("public_suffix_list.dat");
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                line = line.strip();
                if (!line.isEmpty() && !line.startsWith("//")) {
                    rules.add(line);
                }
            }
        }
    }

    /**
     * The registrable domain (eTLD+1) per publicsuffix.org's tests/test_psl.txt, where "null" means
     * none: the domain is itself a public suffix, or not a valid name.
     */
    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(nullValues = "null", textBlock = """
            COM, null
            example.COM, example.com
            WwW.example.COM, example.com
            .com, null
            .example, null
            .example.com, null
            .example.example, null
            example, null
            example.example, example.example
            b.example.example, example.example
            a.b.example.example, example.example
            biz, null
            domain.biz, domain.biz
            b.domain.biz, domain.biz
            a.b.domain.biz, domain.biz
            com, null
            example.com, example.com
            b.example.com, example.com
            a.b.example.com, example.com
            uk.com, null
            example.uk.com, example.uk.com
            b.example.uk.com, example.uk.com
            a.b.example.uk.com, example.uk.com
            test.ac, test.ac
            mm, null
            c.mm, null
            b.c.mm, b.c.mm
            a.b.c.mm, b.c.mm
            jp, null
            test.jp, test.jp
            www.test.jp, test.jp
            ac.jp, null
            test.ac.jp, test.ac.jp
            www.test.ac.jp, test.ac.jp
            kyoto.jp, null
            test.kyoto.jp, test.kyoto.jp
            ide.kyoto.jp, null
            b.ide.kyoto.jp, b.ide.kyoto.jp
            a.b.ide.kyoto.jp, b.ide.kyoto.jp
            c.kobe.jp, null
            b.c.kobe.jp, b.c.kobe.jp
            a.b.c.kobe.jp, b.c.kobe.jp
            city.kobe.jp, city.kobe.jp
            www.city.kobe.jp, city.kobe.jp
            ck, null
            test.ck, null
            b.test.ck, b.test.ck
            a.b.test.ck, b.test.ck
            www.ck, www.ck
            www.www.ck, www.ck
            us, null
            test.us, test.us
            www.test.us, test.us
            ak.us, null
            test.ak.us, test.ak.us
            www.test.ak.us, test.ak.us
            k12.ak.us, null
            test.k12.ak.us, test.k12.ak.us
            www.test.k12.ak.us, test.k12.ak.us
            食狮.com.cn, 食狮.com.cn
            食狮.公司.cn, 食狮.公司.cn
            www.食狮.公司.cn, 食狮.公司.cn
            shishi.公司.cn, shishi.公司.cn
            公司.cn, null
            食狮.中国, 食狮.中国
            www.食狮.中国, 食狮.中国
            shishi.中国, shishi.中国
            中国, null
            xn--85x722f.com.cn, xn--85x722f.com.cn
            xn--85x722f.xn--55qx5d.cn, xn--85x722f.xn--55qx5d.cn
            www.xn--85x722f.xn--55qx5d.cn, xn--85x722f.xn--55qx5d.cn
            shishi.xn--55qx5d.cn, shishi.xn--55qx5d.cn
            xn--55qx5d.cn, null
            xn--85x722f.xn--fiqs8s, xn--85x722f.xn--fiqs8s
            www.xn--85x722f.xn--fiqs8s, xn--85x722f.xn--fiqs8s
            shishi.xn--fiqs8s, shishi.xn--fiqs8s
            xn--fiqs8s, null
            """)
    void registrableDomainsOfThePublicSuffixListTests(String domain, String expected) {
        String want = expected == null ? null : IDN.toASCII(expected);
        assertThat(registrableDomain(PSL, domain)).isEqualTo(want);
    }

    /**
     * Go's publicSuffixTestCases (x/net/publicsuffix/list_test.go). Rules have changed since Go wrote
     * them, and these rows follow the bundled 2026-10-06 list where it differs: Blogger's
     * blogspot.com.ar and blogspot.co.uk suffixes were removed, .bd moved from "*.bd" to explicit
     * second-level rules, and TWNIC's 2024 list for .tw no longer has 商業.tw (xn--czrw28b.tw).
     */
    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(textBlock = """
            ao, ao
            www.ao, ao
            pb.ao, pb.ao
            www.pb.ao, pb.ao
            www.xxx.yyy.zzz.pb.ao, pb.ao
            ar, ar
            www.ar, ar
            nic.ar, ar
            www.nic.ar, ar
            com.ar, com.ar
            www.com.ar, com.ar
            blogspot.com.ar, com.ar
            logspot.com.ar, com.ar
            zlogspot.com.ar, com.ar
            arpa, arpa
            www.arpa, arpa
            urn.arpa, urn.arpa
            www.urn.arpa, urn.arpa
            www.xxx.yyy.zzz.urn.arpa, urn.arpa
            jp, jp
            kobe.jp, jp
            c.kobe.jp, c.kobe.jp
            b.c.kobe.jp, c.kobe.jp
            a.b.c.kobe.jp, c.kobe.jp
            city.kobe.jp, kobe.jp
            www.city.kobe.jp, kobe.jp
            kyoto.jp, kyoto.jp
            test.kyoto.jp, kyoto.jp
            ide.kyoto.jp, ide.kyoto.jp
            b.ide.kyoto.jp, ide.kyoto.jp
            a.b.ide.kyoto.jp, ide.kyoto.jp
            tw, tw
            aaa.tw, tw
            www.aaa.tw, tw
            xn--czrw28b.aaa.tw, tw
            edu.tw, edu.tw
            www.edu.tw, edu.tw
            xn--czrw28b.edu.tw, edu.tw
            xn--czrw28b.tw, tw
            www.xn--czrw28b.tw, tw
            xn--uc0atv.xn--czrw28b.tw, tw
            xn--kpry57d.tw, tw
            uk, uk
            aaa.uk, uk
            www.aaa.uk, uk
            mod.uk, uk
            www.mod.uk, uk
            sch.uk, uk
            mod.sch.uk, mod.sch.uk
            www.sch.uk, www.sch.uk
            blogspot.co.uk, co.uk
            blogspot.nic.uk, uk
            blogspot.sch.uk, blogspot.sch.uk
            xn--p1ai, xn--p1ai
            aaa.xn--p1ai, xn--p1ai
            www.xxx.yyy.xn--p1ai, xn--p1ai
            bd, bd
            com.bd, com.bd
            www.com.bd, com.bd
            zzz.bd, bd
            nosuchtld, nosuchtld
            foo.nosuchtld, nosuchtld
            bar.foo.nosuchtld, nosuchtld
            """)
    void publicSuffixesOfGosTestCases(String domain, String expected) {
        assertThat(PSL.publicSuffix(domain)).isEqualTo(expected);
    }

    /** Both sections count, as in browsers and Go: a private suffix is a public suffix for cookies. */
    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(textBlock = """
            www.bbc.co.uk, co.uk
            example.com, com
            foo1.foo2.foo3.co.uk, co.uk
            bar.pvt.k12.ma.us, pvt.k12.ma.us
            alice.github.io, github.io
            github.io, github.io
            foo.blogspot.com, blogspot.com
            foo.go.dyndns.org, go.dyndns.org
            x.y.compute.amazonaws.com, y.compute.amazonaws.com
            WWW.BBC.CO.UK, co.uk
            www.食狮.公司.cn, xn--55qx5d.cn
            """)
    void privateSuffixesCountAndInputIsCanonicalized(String domain, String expected) {
        assertThat(PSL.publicSuffix(domain)).isEqualTo(expected);
    }

    /**
     * Every rule, as a domain and with one and two labels added in front, gives the answer of Go's
     * slowPublicSuffix: the canonical algorithm of publicsuffix.org, matching the domain against each
     * rule of the list (grouped by last label only to keep the run short).
     */
    @Test
    void hashLookupAgreesWithTheBruteForceAlgorithm() {
        Map<String, List<String[]>> byLastLabel = new HashMap<>();
        for (String rule : rules) {
            String[] parts = IDN.toASCII(rule, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT).split("\\.");
            byLastLabel.computeIfAbsent(parts[parts.length - 1], k -> new ArrayList<>()).add(parts);
        }
        assertThat(byLastLabel).doesNotContainKey("*"); // else the grouping would hide matches
        List<String> mismatches = new ArrayList<>();
        int checked = 0;
        for (String rule : rules) {
            String name = IDN.toASCII(rule.replace("!", "").replace("*", "wild"), IDN.ALLOW_UNASSIGNED)
                    .toLowerCase(Locale.ROOT);
            for (String domain : List.of(name, "x." + name, "y.x." + name)) {
                String[] labels = domain.split("\\.");
                String want = slowPublicSuffix(labels, byLastLabel.getOrDefault(labels[labels.length - 1], List.of()));
                String got = PSL.publicSuffix(domain);
                checked++;
                if (!got.equals(want)) {
                    mismatches.add(domain + ": got " + got + ", want " + want);
                }
            }
        }
        assertThat(mismatches).isEmpty();
        assertThat(checked).isEqualTo(3 * rules.size());
    }

    @Test
    void bundledListNamesItsVersion() {
        assertThat(PSL.toString())
                .contains("version 2026-10-06_16-13-12_UTC")
                .contains("commit 4018bd98001399ebff682f401664d469787ed7eb")
                .contains("(" + rules.size() + " rules)");
        assertThat(PublicSuffixList.mozilla()).isSameAs(PSL);
    }

    @Test
    void loadsAListFromAFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("list.dat");
        Files.writeString(file, String.join("\n",
                "// ===BEGIN ICANN DOMAINS===",
                "// VERSION: test-1",
                "test",
                "co.test   this text after whitespace is ignored",
                "*.wild.test",
                "!www.wild.test",
                "",
                "  // indented comment",
                "BÜCHER.test",
                "// ===END ICANN DOMAINS==="), UTF_8);
        PublicSuffixList list = PublicSuffixList.load(file);
        assertThat(list.publicSuffix("a.b.co.test")).isEqualTo("co.test");
        assertThat(list.publicSuffix("a.b.test")).isEqualTo("test");
        assertThat(list.publicSuffix("a.b.wild.test")).isEqualTo("b.wild.test");
        assertThat(list.publicSuffix("wild.test")).isEqualTo("test");
        assertThat(list.publicSuffix("a.www.wild.test")).isEqualTo("wild.test");
        assertThat(list.publicSuffix("www.bücher.test")).isEqualTo("xn--bcher-kva.test");
        assertThat(list.publicSuffix("www.xn--bcher-kva.test")).isEqualTo("xn--bcher-kva.test");
        assertThat(list.publicSuffix("a.other")).isEqualTo("other");
        assertThat(list.publicSuffix("this")).isEqualTo("this");
        assertThat(list).hasToString("public suffix list " + file + ", version test-1 (5 rules)");
    }

    @Test
    void oddInputGivesAnAnswerAndNoException() {
        assertThat(PSL.publicSuffix("")).isEmpty();
        assertThat(PSL.publicSuffix(".")).isEmpty();
        assertThat(PSL.publicSuffix("a..com")).isEqualTo("com");
        assertThat(PSL.publicSuffix("example.com.")).isEmpty();
        assertThat(PSL.publicSuffix("x".repeat(300) + ".com")).isEqualTo("com");
        assertThat(PSL.publicSuffix("\u00e4".repeat(100) + ".com")).isEqualTo("com");
    }

    /** eTLD+1 as test_psl.txt defines it, null for a public suffix or a name with a leading dot. */
    private static String registrableDomain(PublicSuffixList list, String domain) {
        if (domain.startsWith(".")) {
            return null;
        }
        String ascii = IDN.toASCII(domain).toLowerCase(Locale.ROOT);
        String suffix = list.publicSuffix(domain);
        if (suffix.equals(ascii)) {
            return null;
        }
        String rest = ascii.substring(0, ascii.length() - suffix.length() - 1);
        return rest.substring(rest.lastIndexOf('.') + 1) + "." + suffix;
    }

    /** Go's slowPublicSuffix (x/net/publicsuffix/list_test.go): match every rule, pick the prevailing one. */
    private static String slowPublicSuffix(String[] labels, List<String[]> candidateRules) {
        List<String[]> matching = new ArrayList<>();
        for (String[] parts : candidateRules) {
            if (parts.length > labels.length) {
                continue;
            }
            boolean matches = true;
            for (int i = 0; i < parts.length && matches; i++) {
                String part = parts[parts.length - 1 - i];
                String label = labels[labels.length - 1 - i];
                matches = part.equals("*") || part.equals(label) || part.equals("!" + label);
            }
            if (matches) {
                matching.add(parts);
            }
        }
        // An exception rule prevails; else the rule with the most labels; else the implicit "*".
        String[] prevailing = matching.stream().filter(p -> p[0].startsWith("!")).findFirst()
                .orElseGet(() -> matching.stream().max(Comparator.comparingInt(p -> p.length))
                        .orElse(new String[] {"*"}));
        int n = prevailing[0].startsWith("!") ? prevailing.length - 1 : prevailing.length;
        return String.join(".", Arrays.asList(labels).subList(labels.length - n, labels.length));
    }
}
