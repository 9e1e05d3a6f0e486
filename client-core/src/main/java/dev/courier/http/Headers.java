package dev.courier.http;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Immutable HTTP header fields: names compare case-insensitively, a name may carry several values,
 * and the order in which fields were added is kept (it is the order they are written on the wire).
 *
 * <p>Names and values are stored in one flat array {@code [name0, value0, name1, value1, ...]}, the
 * cheapest layout for the few fields a request carries; lookups scan it, which beats hashing below
 * a few dozen fields.
 */
public final class Headers {
    private static final Headers EMPTY = new Headers(new String[0], 0);

    private final String[] namesAndValues;
    private final int size;

    private Headers(String[] namesAndValues, int size) {
        this.namesAndValues = namesAndValues;
        this.size = size;
    }

    /** {@return the empty header set} */
    public static Headers empty() {
        return EMPTY;
    }

    /**
     * Returns headers from alternating names and values: {@code of("Accept", "text/plain", "X-A", "1")}.
     *
     * @param namesAndValues an even number of strings: name, value, name, value...
     * @return the headers, in the order given
     * @throws IllegalArgumentException when the count is odd or a name or value is invalid
     */
    public static Headers of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("Headers.of needs name/value pairs, got " + namesAndValues.length + " strings");
        }
        Builder b = newBuilder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            b.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return b.build();
    }

    /** {@return a new builder with no fields} */
    public static Builder newBuilder() {
        return new Builder();
    }

    /** {@return a new builder holding these fields, to add or replace some; these headers stay as they are} */
    public Builder toBuilder() {
        // Sized for a few more fields; the builder's own 16-slot array is not allocated just to be replaced.
        return new Builder(Arrays.copyOf(namesAndValues, Math.max(8, size * 2)), size);
    }

    /** {@return the number of fields (a name with two values counts twice)} */
    public int size() {
        return size;
    }

    /** {@return whether there are no fields} */
    public boolean isEmpty() {
        return size == 0;
    }

    /**
     * {@return the name of field {@code i}, as it was given}
     *
     * @param i the field's index, from 0 to {@link #size()} - 1, in the order the fields were added
     */
    public String name(int i) {
        Objects.checkIndex(i, size);
        return namesAndValues[2 * i];
    }

    /**
     * {@return the value of field {@code i}}
     *
     * @param i the field's index, from 0 to {@link #size()} - 1
     */
    public String value(int i) {
        Objects.checkIndex(i, size);
        return namesAndValues[2 * i + 1];
    }

    /**
     * {@return the first value of {@code name}, or {@code null} when absent}
     *
     * @param name the field name, any case
     */
    public String first(String name) {
        for (int i = 0; i < size; i++) {
            if (namesAndValues[2 * i].equalsIgnoreCase(name)) {
                return namesAndValues[2 * i + 1];
            }
        }
        return null;
    }

    /**
     * {@return every value of {@code name} in order; empty when absent}
     *
     * @param name the field name, any case
     */
    public List<String> all(String name) {
        List<String> values = null;
        for (int i = 0; i < size; i++) {
            if (namesAndValues[2 * i].equalsIgnoreCase(name)) {
                if (values == null) {
                    values = new ArrayList<>(2);
                }
                values.add(namesAndValues[2 * i + 1]);
            }
        }
        return values == null ? List.of() : Collections.unmodifiableList(values);
    }

    /**
     * {@return whether a field called {@code name} is present}
     *
     * @param name the field name, any case
     */
    public boolean contains(String name) {
        return first(name) != null;
    }

    /**
     * {@return whether {@code name} has a comma-separated element equal (ignoring case) to {@code token}}
     * Every value of the field is searched, e.g. {@code containsToken("Connection", "close")}.
     *
     * @param name the field name, any case
     * @param token the element to look for
     */
    public boolean containsToken(String name, String token) {
        for (int i = 0; i < size; i++) {
            if (namesAndValues[2 * i].equalsIgnoreCase(name)) {
                for (String part : namesAndValues[2 * i + 1].split(",")) {
                    if (part.trim().equalsIgnoreCase(token)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** {@return the distinct names in first-seen order, as first spelled} */
    public Set<String> names() {
        return map().keySet();
    }

    /** {@return a map from name to values, in first-seen order; the map's keys are spelled as first given} */
    public Map<String, List<String>> map() {
        Map<String, List<String>> byLower = new LinkedHashMap<>();
        Map<String, List<String>> result = new LinkedHashMap<>();
        for (int i = 0; i < size; i++) {
            String name = namesAndValues[2 * i];
            List<String> values = byLower.get(name.toLowerCase(Locale.ROOT));
            if (values == null) {
                values = new ArrayList<>(1);
                byLower.put(name.toLowerCase(Locale.ROOT), values);
                result.put(name, values);
            }
            values.add(namesAndValues[2 * i + 1]);
        }
        result.replaceAll((k, v) -> Collections.unmodifiableList(v));
        return Collections.unmodifiableMap(result);
    }

    /**
     * Calls {@code action} with every field in order.
     *
     * @param action called with each name and value; a name with two values is passed twice
     */
    public void forEach(BiConsumer<String, String> action) {
        for (int i = 0; i < size; i++) {
            action.accept(namesAndValues[2 * i], namesAndValues[2 * i + 1]);
        }
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Headers)) {
            return false;
        }
        Headers other = (Headers) o;
        if (other.size != size) {
            return false;
        }
        for (int i = 0; i < size; i++) {
            if (!namesAndValues[2 * i].equalsIgnoreCase(other.namesAndValues[2 * i])
                    || !namesAndValues[2 * i + 1].equals(other.namesAndValues[2 * i + 1])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (int i = 0; i < size; i++) {
            h = 31 * h + namesAndValues[2 * i].toLowerCase(Locale.ROOT).hashCode();
            h = 31 * h + namesAndValues[2 * i + 1].hashCode();
        }
        return h;
    }

    /** Fields one per line; credentials (Authorization, Proxy-Authorization, Cookie) are masked. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < size; i++) {
            String name = namesAndValues[2 * i];
            sb.append(name).append(": ").append(isSensitive(name) ? "██" : namesAndValues[2 * i + 1]).append('\n');
        }
        return sb.toString();
    }

    private static boolean isSensitive(String name) {
        return name.equalsIgnoreCase("Authorization") || name.equalsIgnoreCase("Proxy-Authorization")
                || name.equalsIgnoreCase("Cookie") || name.equalsIgnoreCase("Set-Cookie");
    }

    /**
     * Builds {@link Headers}. Names must be HTTP tokens (RFC 9110 section 5.6.2) and values must not contain
     * control characters other than HTAB (section 5.5); each violation is rejected here with the offending
     * field named (but not its value).
     */
    public static final class Builder {
        private String[] namesAndValues;
        private int size;

        private Builder() {
            this(new String[16], 0);
        }

        private Builder(String[] namesAndValues, int size) {
            this.namesAndValues = namesAndValues;
            this.size = size;
        }

        /**
         * Adds a field, keeping any existing values of the same name.
         *
         * @param name the field name, a token
         * @param value the value, without control characters other than HTAB
         * @return this builder
         * @throws IllegalArgumentException when the name or value is invalid
         */
        public Builder add(String name, String value) {
            checkName(name);
            checkValue(name, value);
            if (2 * size + 2 > namesAndValues.length) {
                namesAndValues = Arrays.copyOf(namesAndValues, namesAndValues.length * 2);
            }
            namesAndValues[2 * size] = name;
            namesAndValues[2 * size + 1] = value;
            size++;
            return this;
        }

        /**
         * Replaces every value of {@code name} with this one (placed where the name first was).
         *
         * @param name the field name, a token
         * @param value the value, without control characters other than HTAB
         * @return this builder
         * @throws IllegalArgumentException when the name or value is invalid
         */
        public Builder set(String name, String value) {
            checkName(name);
            checkValue(name, value);
            for (int i = 0; i < size; i++) {
                if (namesAndValues[2 * i].equalsIgnoreCase(name)) {
                    namesAndValues[2 * i] = name;
                    namesAndValues[2 * i + 1] = value;
                    removeFrom(name, i + 1);
                    return this;
                }
            }
            return add(name, value);
        }

        /**
         * Removes every value of {@code name}.
         *
         * @param name the field name, any case
         * @return this builder
         */
        public Builder remove(String name) {
            removeFrom(name, 0);
            return this;
        }

        /**
         * Adds every field of {@code headers}.
         *
         * @param headers the fields to add after those already here
         * @return this builder
         */
        public Builder addAll(Headers headers) {
            for (int i = 0; i < headers.size; i++) {
                add(headers.namesAndValues[2 * i], headers.namesAndValues[2 * i + 1]);
            }
            return this;
        }

        /**
         * {@return the first value of {@code name} added so far, or {@code null}}
         *
         * @param name the field name, any case
         */
        public String first(String name) {
            for (int i = 0; i < size; i++) {
                if (namesAndValues[2 * i].equalsIgnoreCase(name)) {
                    return namesAndValues[2 * i + 1];
                }
            }
            return null;
        }

        private void removeFrom(String name, int start) {
            int w = start;
            for (int r = start; r < size; r++) {
                if (!namesAndValues[2 * r].equalsIgnoreCase(name)) {
                    namesAndValues[2 * w] = namesAndValues[2 * r];
                    namesAndValues[2 * w + 1] = namesAndValues[2 * r + 1];
                    w++;
                }
            }
            Arrays.fill(namesAndValues, 2 * w, 2 * size, null);
            size = w;
        }

        /** {@return the headers added so far; the builder may go on to build others} */
        public Headers build() {
            return size == 0 ? EMPTY : new Headers(Arrays.copyOf(namesAndValues, 2 * size), size);
        }
    }

    static void checkName(String name) {
        Objects.requireNonNull(name, "header name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("header name is empty");
        }
        for (int i = 0; i < name.length(); i++) {
            if (!isTokenChar(name.charAt(i))) {
                throw new IllegalArgumentException("header name " + quote(name) + " has an invalid character "
                        + describe(name.charAt(i)) + " at index " + i);
            }
        }
    }

    /**
     * A value may hold any character but the controls other than HTAB (0x00-0x08, 0x0A-0x1F, 0x7F), as Go's
     * {@code httpguts.ValidHeaderFieldValue}: RFC 9110 section 5.5 has field-vchar, SP and HTAB only, and CR,
     * LF or NUL would split or end the field on the wire. The message names the header and the offending
     * character's index, never the value: it may be a credential (Authorization, Cookie), and Go's HTTP/2
     * code leaves values out of its errors for the same reason.
     */
    static void checkValue(String name, String value) {
        Objects.requireNonNull(value, () -> "value of header " + name);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < ' ' && c != '\t' || c == 0x7f) {
                throw new IllegalArgumentException("value of header " + quote(name) + " has an invalid character "
                        + describe(c) + " at index " + i);
            }
        }
    }

    /** Whether {@code c} is a tchar of RFC 9110 section 5.6.2. */
    static boolean isTokenChar(char c) {
        if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
            return true;
        }
        return "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    static String describe(char c) {
        switch (c) {
            case '\r': return "CR (\\r)";
            case '\n': return "LF (\\n)";
            case 0: return "NUL (\\0)";
            default: return c < 0x20 || c >= 0x7f ? String.format("U+%04X", (int) c) : "'" + c + "'";
        }
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r') sb.append("\\r");
            else if (c == '\n') sb.append("\\n");
            else if (c == 0) sb.append("\\0");
            else if (c < ' ' || c == 0x7f) sb.append(String.format("\\x%02x", (int) c));
            else sb.append(c);
        }
        return sb.append('"').toString();
    }
}
