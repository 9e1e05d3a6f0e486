package dev.courier.examples;

import dev.courier.http.Cookie;
import dev.courier.http.InMemoryCookieJar;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes cookies in the Netscape cookie-file format curl uses for {@code -b} and {@code -c}:
 * one cookie per line, tab-separated domain, include-subdomains flag, path, secure flag, expiry (epoch
 * seconds, 0 for a session cookie), name and value; HttpOnly cookies carry a {@code #HttpOnly_} prefix.
 */
final class CookieFile {
    private static final String HTTP_ONLY = "#HttpOnly_";

    private CookieFile() {
    }

    /** Loads {@code file} into {@code jar}; lines that do not parse are reported and skipped. */
    static int load(Path file, InMemoryCookieJar jar, java.io.PrintStream err) throws IOException {
        int loaded = 0;
        int lineNumber = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lineNumber++;
            boolean httpOnly = line.startsWith(HTTP_ONLY);
            if (httpOnly) {
                line = line.substring(HTTP_ONLY.length());
            }
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t", -1);
            if (f.length != 7) {
                err.println("courier: " + file + ":" + lineNumber + ": not a cookie line (want 7 tab-separated fields)");
                continue;
            }
            String domain = f[0].startsWith(".") ? f[0].substring(1) : f[0];
            boolean subdomains = f[1].equalsIgnoreCase("TRUE");
            boolean secure = f[3].equalsIgnoreCase("TRUE");
            long expiry;
            try {
                expiry = Long.parseLong(f[4]);
            } catch (NumberFormatException e) {
                err.println("courier: " + file + ":" + lineNumber + ": bad expiry " + f[4]);
                continue;
            }
            Cookie.Builder b = Cookie.newBuilder(f[5], f[6]).path(f[2]).secure(secure).httpOnly(httpOnly);
            if (subdomains) {
                b.domain(domain);
            }
            if (expiry > 0) {
                b.expires(Instant.ofEpochSecond(expiry));
            }
            URI origin = URI.create((secure ? "https://" : "http://") + domain + (f[2].startsWith("/") ? f[2] : "/"));
            jar.setCookies(origin, List.of(b.build()));
            loaded++;
        }
        return loaded;
    }

    /** Writes every live cookie of {@code jar} to {@code file}. */
    static void save(Path file, InMemoryCookieJar jar) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("# Netscape HTTP Cookie File, written by courier");
        for (Cookie c : jar.all()) {
            String domain = c.domain().orElse("");
            lines.add((c.httpOnly() ? HTTP_ONLY : "") + (c.hostOnly() ? domain : "." + domain) + "\t"
                    + (c.hostOnly() ? "FALSE" : "TRUE") + "\t" + c.path().orElse("/") + "\t"
                    + (c.secure() ? "TRUE" : "FALSE") + "\t"
                    + c.expires().map(Instant::getEpochSecond).orElse(0L) + "\t" + c.name() + "\t" + c.value());
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
    }
}
