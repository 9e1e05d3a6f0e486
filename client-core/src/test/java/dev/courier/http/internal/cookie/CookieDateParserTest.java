package dev.courier.http.internal.cookie;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The cookie-date algorithm of RFC 6265 section 5.1.1, on the date forms servers send. */
class CookieDateParserTest {

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            Sun, 06 Nov 1994 08:49:37 GMT      | 1994-11-06T08:49:37Z
            Sunday, 06-Nov-94 08:49:37 GMT     | 1994-11-06T08:49:37Z
            Sun Nov  6 08:49:37 1994           | 1994-11-06T08:49:37Z
            Wed, 23-Nov-2011 01:05:03 GMT      | 2011-11-23T01:05:03Z
            Thu, 01 Jan 1970 00:00:00 GMT      | 1970-01-01T00:00:00Z
            Thu, 01-Jan-70 00:00:01 GMT        | 1970-01-01T00:00:01Z
            Fri, 31 Dec 2069 23:59:59 GMT      | 2069-12-31T23:59:59Z
            31 Dec 69 23:59:59                 | 2069-12-31T23:59:59Z
            01 Jan 99 00:00:00                 | 1999-01-01T00:00:00Z
            Tue, 19 Jan 2038 03:14:08 GMT      | 2038-01-19T03:14:08Z
            Fri, 31 Dec 9999 23:59:59 GMT      | 9999-12-31T23:59:59Z
            Mon, 01 Jan 1601 00:00:00 GMT      | 1601-01-01T00:00:00Z
            29 Feb 2024 12:00:00               | 2024-02-29T12:00:00Z
            6 nov 1994 8:49:37                 | 1994-11-06T08:49:37Z
            6 NOVEMBER 1994 8:9:7              | 1994-11-06T08:09:07Z
            1994 Nov 6 08:49:37                | 1994-11-06T08:49:37Z
            08:49:37 6 Nov 1994 +0200          | 1994-11-06T08:49:37Z
            Sun, 06 Nov 1994 08:49:37 PST      | 1994-11-06T08:49:37Z
            06-Nov-1994 08:49:37.123Z          | 1994-11-06T08:49:37Z
            6th Nov 1994 08:49:37              | 1994-11-06T08:49:37Z
            """)
    void parsesCookieDates(String date, String expected) {
        assertThat(CookieDateParser.parse(date)).contains(Instant.parse(expected));
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @ValueSource(strings = {
        "",
        "tomorrow",
        "Sun, 06 Nov 1994",                 // no time
        "Sun, Nov 1994 08:49:37 GMT",       // no day of month (1994 is a year, 4 digits)
        "Sun, 06 1994 08:49:37 GMT",        // no month
        "Sun, 06 Nov 08:49:37 GMT",         // no year
        "Sun, 32 Nov 1994 08:49:37 GMT",    // day out of range
        "Sun, 00 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 24:00:00 GMT",    // hour out of range
        "Sun, 06 Nov 1994 08:60:00 GMT",
        "Sun, 06 Nov 1994 08:49:60 GMT",    // no leap seconds in cookie dates
        "Mon, 01 Jan 1600 00:00:00 GMT",    // before 1601
        "30 Feb 2024 12:00:00",             // a date that does not exist
        "29 Feb 2023 12:00:00",
        "Sun, 06 Nov 1994 08:49 GMT",       // time needs three fields
        "Sun, 06 Nov 1994 008:49:37 GMT",   // time fields have one or two digits
        "Sun, 06 Nov 19941 08:49:37 GMT",   // five-digit year
    })
    void rejectsWhatIsNotACookieDate(String date) {
        assertThat(CookieDateParser.parse(date)).isEmpty();
    }
}
