package dev.courier.http.internal.cookie;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * Parses the Expires attribute with the algorithm of RFC 6265 section 5.1.1, which accepts the date
 * forms servers really send (RFC 1123, RFC 850 with two-digit years, asctime, dashes, missing weekday)
 * instead of one strict format.
 */
public final class CookieDateParser {
    private static final String[] MONTHS = {
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"
    };

    private CookieDateParser() {
    }

    /** The instant that {@code cookieDate} names (always UTC, the RFC ignores zones), or empty. */
    public static Optional<Instant> parse(String cookieDate) {
        int hour = -1;
        int minute = -1;
        int second = -1;
        int dayOfMonth = -1;
        int month = -1;
        int year = -1;
        int i = 0;
        int n = cookieDate.length();
        while (i < n) {
            while (i < n && isDelimiter(cookieDate.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !isDelimiter(cookieDate.charAt(i))) {
                i++;
            }
            if (start == i) {
                break;
            }
            String token = cookieDate.substring(start, i);
            // Step 2: each token is tried as time, day-of-month, month, year, in that order, and
            // each field is taken from the first token that fits it.
            int[] time;
            if (hour < 0 && (time = parseTime(token)) != null) {
                hour = time[0];
                minute = time[1];
                second = time[2];
            } else if (dayOfMonth < 0 && leadingDigits(token, 1, 2) >= 0) {
                dayOfMonth = leadingDigits(token, 1, 2);
            } else if (month < 0 && parseMonth(token) >= 0) {
                month = parseMonth(token);
            } else if (year < 0 && leadingDigits(token, 2, 4) >= 0) {
                year = leadingDigits(token, 2, 4);
            }
        }
        // Steps 3 and 4: two-digit years.
        if (year >= 70 && year <= 99) {
            year += 1900;
        } else if (year >= 0 && year <= 69) {
            year += 2000;
        }
        // Step 5: every field must be present and in range.
        if (hour < 0 || dayOfMonth < 0 || month < 0 || year < 0) {
            return Optional.empty();
        }
        if (dayOfMonth < 1 || dayOfMonth > 31 || year < 1601 || hour > 23 || minute > 59 || second > 59) {
            return Optional.empty();
        }
        // Step 6: a date that does not exist (February 30th) fails.
        try {
            return Optional.of(LocalDate.of(year, month, dayOfMonth)
                    .atTime(hour, minute, second)
                    .toInstant(ZoneOffset.UTC));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    /** delimiter = %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E. */
    private static boolean isDelimiter(char c) {
        return c == 0x09
                || c >= 0x20 && c <= 0x2f
                || c >= 0x3b && c <= 0x40
                || c >= 0x5b && c <= 0x60
                || c >= 0x7b && c <= 0x7e;
    }

    /** time = hms-time ( non-digit *OCTET ); hms-time = time-field ":" time-field ":" time-field. */
    private static int[] parseTime(String token) {
        int[] fields = new int[3];
        int i = 0;
        for (int f = 0; f < 3; f++) {
            int start = i;
            int value = 0;
            while (i < token.length() && i - start < 2 && isDigit(token.charAt(i))) {
                value = value * 10 + token.charAt(i) - '0';
                i++;
            }
            if (i == start) {
                return null;
            }
            fields[f] = value;
            if (f < 2) {
                if (i >= token.length() || token.charAt(i) != ':') {
                    return null;
                }
                i++;
            }
        }
        return i == token.length() || !isDigit(token.charAt(i)) ? fields : null;
    }

    /**
     * The value of the min..max leading digits of {@code token} when they are followed by the end or a
     * non-digit (day-of-month = 1*2DIGIT ( non-digit *OCTET ), year = 2*4DIGIT ...), else -1.
     */
    private static int leadingDigits(String token, int min, int max) {
        int i = 0;
        int value = 0;
        while (i < token.length() && isDigit(token.charAt(i))) {
            if (i == max) {
                return -1;
            }
            value = value * 10 + token.charAt(i) - '0';
            i++;
        }
        return i >= min ? value : -1;
    }

    /** month = ( "jan" / ... / "dec" ) *OCTET, case-insensitive; 1-based, or -1. */
    private static int parseMonth(String token) {
        if (token.length() < 3) {
            return -1;
        }
        String prefix = CookieSyntax.asciiLower(token.substring(0, 3));
        for (int m = 0; m < MONTHS.length; m++) {
            if (MONTHS[m].equals(prefix)) {
                return m + 1;
            }
        }
        return -1;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
