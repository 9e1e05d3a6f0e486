package dev.courier.examples;

import dev.courier.http.Client;
import dev.courier.http.CookieJar;
import dev.courier.http.InMemoryCookieJar;
import dev.courier.http.RedirectPolicy;
import dev.courier.http.Request;
import dev.courier.http.RequestBody;
import dev.courier.http.RequestException;
import dev.courier.http.Response;
import dev.courier.http.Proxy;
import dev.courier.http.ProxySelector;
import dev.courier.http.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;
import java.util.concurrent.ExecutionException;

/**
 * The {@code courier} command: a curl-like client ({@code courier [options] URL}) and
 * {@code courier demo}, which runs the demo against an embedded server. Exit status: 0 on a response,
 * 1 when the request failed, 2 on bad arguments or URL, 22 with {@code -f} on a status of 400 or more.
 */
public final class Main {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int HTTP_ERROR = 22;

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        configureLogging(args, System.getProperties());
        System.exit(run(args, System.out, System.err, System.console() != null));
    }

    /** slf4j-simple's property for the level of every logger that has none of its own. */
    static final String LOG_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

    /**
     * Sets the log level (the shaded jar's SLF4J provider is slf4j-simple, which reads it when the first
     * logger is made, so this runs before anything logs): WARN, so that a run prints only its own output and
     * what needs acting on, or INFO with {@code -v}. A level given with {@code -D} on the command line stands
     * (e.g. {@code -Dorg.slf4j.simpleLogger.log.dev.courier=debug} for Courier's connection events).
     */
    static void configureLogging(String[] args, java.util.Properties properties) {
        if (properties.getProperty(LOG_LEVEL) != null) {
            return;
        }
        boolean verbose;
        try {
            verbose = Options.parse(args).verbose();
        } catch (Options.UsageException | RuntimeException e) {
            verbose = false; // run() reports it
        }
        properties.setProperty(LOG_LEVEL, verbose ? "info" : "warn");
    }

    static int run(String[] args, PrintStream out, PrintStream err, boolean terminal) throws Exception {
        if (args.length == 1 && args[0].equals("demo")) {
            Demo.run(out);
            return OK;
        }
        if (args.length == 1 && args[0].equals("webclient")) {
            WebClientDemo.run(out);
            return OK;
        }
        Options o;
        Request request;
        try {
            o = Options.parse(args);
            request = request(o);
        } catch (Options.UsageException | IllegalArgumentException | IOException e) {
            err.println("courier: " + e.getMessage());
            err.println(Options.USAGE);
            return USAGE;
        }
        InMemoryCookieJar jar = CookieJar.inMemory();
        if (o.cookieIn() != null) {
            try {
                CookieFile.load(o.cookieIn(), jar, err);
            } catch (IOException e) {
                err.println("courier: cannot read cookie file " + o.cookieIn() + ": " + e.getMessage());
                return USAGE;
            }
        }
        Transport.Builder tb = Transport.newBuilder().disableCompression(!o.compressed()).disableHttp2(o.http11());
        // As curl: -x wins; else the environment's proxy variables (a library default stays "no proxy").
        try {
            tb.proxy(o.proxy() != null ? ProxySelector.of(Proxy.of(java.net.URI.create(o.proxy()))) : ProxySelector.fromEnvironment());
        } catch (IllegalArgumentException e) {
            err.println("courier: bad proxy" + (o.proxy() != null ? " (-x)" : " in the environment") + ": "
                    + e.getMessage());
            return USAGE;
        }
        Transport transport = tb.build();
        Client.Builder cb = Client.newBuilder().transport(transport).cookieJar(jar)
                .redirectPolicy(o.follow() ? RedirectPolicy.follow(o.maxRedirects() + 1) : RedirectPolicy.none());
        if (o.verbose()) {
            cb.trace(new PrintingTrace(err));
        }
        try (transport) {
            Client client = cb.build();
            if (o.verbose()) {
                err.println("> " + request.method() + " " + request.redactedUri());
                request.headers().forEach((n, v) -> err.println("> " + n + ": " + (n.equalsIgnoreCase("Authorization") ? "***" : v)));
            }
            Response r = client.send(request).get();
            if (o.verbose()) {
                err.println("< " + r.protocol() + " " + r.status() + " " + r.reason());
                r.headers().forEach((n, v) -> err.println("< " + n + ": " + v));
            }
            if (o.failOnError() && r.status() >= 400) {
                r.close();
                err.println("courier: the server answered " + r.status() + " " + r.reason() + " for " + r.request().redactedUri());
                return HTTP_ERROR;
            }
            copyBody(r, o, out, err, terminal);
            if (o.cookieOut() != null) {
                CookieFile.save(o.cookieOut(), jar);
            }
            return OK;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            err.println("courier: " + (cause instanceof RequestException ? cause.getMessage() : cause.toString()));
            return FAILED;
        } catch (IOException e) {
            err.println("courier: " + e.getMessage());
            return FAILED;
        }
    }

    static Request request(Options o) throws IOException {
        URI uri;
        try {
            uri = new URI(o.url());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("bad URL \"" + redactText(o.url()) + "\": " + e.getReason());
        }
        Request.Builder b = Request.newBuilder(uri);
        boolean hasContentType = false;
        for (String[] h : o.headers()) {
            b.header(h[0], h[1]);
            hasContentType |= h[0].equalsIgnoreCase("Content-Type");
        }
        RequestBody body = null;
        if (o.data() != null) {
            body = RequestBody.of(o.data(), StandardCharsets.UTF_8);
        } else if (o.dataFile() != null) {
            if (!Files.isReadable(o.dataFile())) {
                throw new IOException("cannot read --data-file " + o.dataFile());
            }
            body = RequestBody.ofFile(o.dataFile());
        }
        if (body != null) {
            b.method(o.method() != null ? o.method() : "POST", body);
            if (!hasContentType) {
                b.header("Content-Type", "application/x-www-form-urlencoded");
            }
        } else if (o.method() != null) {
            b.method(o.method());
        }
        if (o.user() != null) {
            b.setHeader("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(o.user().getBytes(StandardCharsets.UTF_8)));
        }
        return b.build();
    }

    private static String redactText(String url) {
        try {
            return Request.redact(new URI(url.replace(" ", "%20")));
        } catch (URISyntaxException e) {
            return url.replaceAll("//([^:/@]*):[^@/]*@", "//$1:***@");
        }
    }

    /** Copies the body on this thread (never on an event loop), to the file or standard output. */
    private static void copyBody(Response r, Options o, PrintStream out, PrintStream err, boolean terminal) throws IOException {
        ProgressBar progress = o.output() != null && terminal ? new ProgressBar(err, r.body().contentLength()) : null;
        try (InputStream in = r.body().inputStream();
             OutputStream sink = o.output() != null ? Files.newOutputStream(o.output()) : out) {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                sink.write(buffer, 0, n);
                if (progress != null) {
                    progress.advance(n);
                }
            }
            sink.flush();
        }
        if (progress != null) {
            progress.finish();
        }
    }
}
