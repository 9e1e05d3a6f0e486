package dev.courier.examples;

import dev.courier.http.Client;
import dev.courier.http.Request;
import dev.courier.http.RequestException;
import dev.courier.http.Response;
import java.io.PrintStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;

/**
 * The {@code courier} command: {@code courier demo} runs the demo against an embedded server;
 * {@code courier [-v] URL} fetches a URL and writes the body to standard output.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (args.length == 1 && args[0].equals("demo")) {
            Demo.run(out);
            return 0;
        }
        boolean verbose = false;
        String url = null;
        for (String a : args) {
            if (a.equals("-v")) {
                verbose = true;
            } else if (a.startsWith("-")) {
                err.println("courier: unknown option " + a);
                return usage(err);
            } else if (url == null) {
                url = a;
            } else {
                err.println("courier: more than one URL: " + a);
                return usage(err);
            }
        }
        if (url == null) {
            return usage(err);
        }
        Request request;
        try {
            request = Request.newBuilder(URI.create(url)).build();
        } catch (IllegalArgumentException e) {
            err.println("courier: " + e.getMessage());
            return 2;
        }
        Client.Builder b = Client.newBuilder();
        if (verbose) {
            b.trace(new PrintingTrace(err));
        }
        try (Client client = b.build()) {
            Response r = client.send(request).get();
            if (verbose) {
                err.println("< " + r.protocol() + " " + r.status() + " " + r.reason());
                r.headers().forEach((n, v) -> err.println("< " + n + ": " + v));
            }
            WritableByteChannel sink = Channels.newChannel(out);
            CompletableFuture<Void> done = new CompletableFuture<>();
            r.body().subscribe(new Flow.Subscriber<ByteBuffer>() {
                private Flow.Subscription s;

                @Override
                public void onSubscribe(Flow.Subscription s) {
                    this.s = s;
                    s.request(1);
                }

                @Override
                public void onNext(ByteBuffer item) {
                    try {
                        while (item.hasRemaining()) {
                            sink.write(item);
                        }
                        s.request(1);
                    } catch (java.io.IOException e) {
                        s.cancel();
                        done.completeExceptionally(e);
                    }
                }

                @Override
                public void onError(Throwable t) {
                    done.completeExceptionally(t);
                }

                @Override
                public void onComplete() {
                    done.complete(null);
                }
            });
            done.get();
            out.flush();
            return r.status() >= 400 ? 22 : 0;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            err.println("courier: " + (cause instanceof RequestException ? cause.getMessage() : cause.toString()));
            return 1;
        }
    }

    private static int usage(PrintStream err) {
        err.println("usage: courier demo | courier [-v] URL");
        return 2;
    }
}
