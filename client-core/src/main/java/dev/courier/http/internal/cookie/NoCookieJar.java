package dev.courier.http.internal.cookie;

import dev.courier.http.Cookie;
import dev.courier.http.CookieJar;
import java.net.URI;
import java.util.List;

/** The jar behind {@link CookieJar#none()}: stores nothing, sends nothing. */
public enum NoCookieJar implements CookieJar {
    INSTANCE;

    @Override
    public void setCookies(URI uri, List<Cookie> cookies) {
    }

    @Override
    public List<Cookie> cookies(URI uri) {
        return List.of();
    }

    @Override
    public String toString() {
        return "CookieJar.none()";
    }
}
