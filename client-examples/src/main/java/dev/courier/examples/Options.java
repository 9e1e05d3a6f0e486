package dev.courier.examples;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code courier} command line, parsed: curl's options where they mean the same thing. Parsing
 * fails with a {@link UsageException} that says which argument was wrong.
 */
record Options(String method, List<String[]> headers, String data, Path dataFile, Path output, boolean follow,
               int maxRedirects, Path cookieIn, Path cookieOut, String user, boolean compressed, boolean verbose,
               boolean failOnError, String proxy, boolean http11, String url) {

    static final String USAGE = String.join("\n",
            "usage: courier [options] URL",
            "       courier demo",
            "       courier webclient        (Spring WebClient over Courier against an embedded server)",
            "  -X, --request METHOD     request method (default GET, or POST with -d)",
            "  -H, --header 'Name: v'   add a request header (repeatable)",
            "  -d, --data DATA          send DATA as the body (POST, form content type unless -H sets one)",
            "      --data-file FILE     send FILE as the body",
            "  -o, --output FILE        write the body to FILE (progress bar on a terminal)",
            "  -L, --location           follow redirects",
            "      --max-redirs N       follow at most N redirects (with -L; default 10)",
            "  -b, --cookie FILE        read cookies from FILE (as written by -c)",
            "  -c, --cookie-jar FILE    write cookies to FILE after the transfer",
            "  -u, --user USER:PASS     Basic authentication",
            "      --compressed         ask for gzip/deflate and decode it",
            "  -f, --fail               exit 22 on an HTTP status >= 400",
            "  -x, --proxy URL          use this proxy (http://, https://, socks5://, socks4a://; user:pass@ allowed);",
            "                           without it, HTTP_PROXY / HTTPS_PROXY / NO_PROXY are honoured as curl does",
            "      --http1.1            offer only HTTP/1.1 (no h2 over ALPN)",
            "  -v, --verbose            print the trace (DNS, connect, reuse, first byte) and headers");

    /** Why the arguments cannot be used. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    static Options parse(String[] args) throws UsageException {
        String method = null;
        List<String[]> headers = new ArrayList<>();
        String data = null;
        Path dataFile = null;
        Path output = null;
        boolean follow = false;
        int maxRedirects = 10;
        Path cookieIn = null;
        Path cookieOut = null;
        String user = null;
        boolean compressed = false;
        boolean verbose = false;
        boolean fail = false;
        String proxy = null;
        boolean http11 = false;
        String url = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "-X": case "--request": method = value(args, ++i, a); break;
                case "-H": case "--header": headers.add(header(value(args, ++i, a))); break;
                case "-d": case "--data": data = value(args, ++i, a); break;
                case "--data-file": dataFile = Path.of(value(args, ++i, a)); break;
                case "-o": case "--output": output = Path.of(value(args, ++i, a)); break;
                case "-L": case "--location": follow = true; break;
                case "--max-redirs": maxRedirects = number(value(args, ++i, a), a); break;
                case "-b": case "--cookie": cookieIn = Path.of(value(args, ++i, a)); break;
                case "-c": case "--cookie-jar": cookieOut = Path.of(value(args, ++i, a)); break;
                case "-u": case "--user": user = value(args, ++i, a); break;
                case "--compressed": compressed = true; break;
                case "-f": case "--fail": fail = true; break;
                case "-v": case "--verbose": verbose = true; break;
                case "-x": case "--proxy": proxy = value(args, ++i, a); break;
                case "--http1.1": http11 = true; break;
                default:
                    if (a.startsWith("-") && a.length() > 1) {
                        throw new UsageException("unknown option " + a);
                    }
                    if (url != null) {
                        throw new UsageException("more than one URL: " + url + " and " + a);
                    }
                    url = a;
            }
        }
        if (url == null) {
            throw new UsageException("no URL given");
        }
        if (data != null && dataFile != null) {
            throw new UsageException("-d and --data-file both give a body; use one");
        }
        if (user != null && user.indexOf(':') < 0) {
            throw new UsageException("-u wants USER:PASSWORD");
        }
        return new Options(method, headers, data, dataFile, output, follow, maxRedirects, cookieIn, cookieOut, user,
                compressed, verbose, fail, proxy, http11, url);
    }

    private static String value(String[] args, int i, String option) throws UsageException {
        if (i >= args.length) {
            throw new UsageException(option + " needs a value");
        }
        return args[i];
    }

    private static int number(String s, String option) throws UsageException {
        try {
            int n = Integer.parseInt(s);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException(option + " wants a number >= 0, not " + s);
        }
    }

    private static String[] header(String line) throws UsageException {
        int colon = line.indexOf(':');
        if (colon <= 0) {
            throw new UsageException("-H wants 'Name: value', not " + line);
        }
        return new String[] {line.substring(0, colon).trim(), line.substring(colon + 1).trim()};
    }
}
