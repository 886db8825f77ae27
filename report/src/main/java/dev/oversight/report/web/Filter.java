package dev.oversight.report.web;

import dev.oversight.events.ReasonCode;
import dev.oversight.events.VerdictStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a list or the overview shows, every part of it in the URL's query so that a link is the report: the period
 * ({@code from} and {@code to}, days in UTC, both included, on the deploy's time), {@code team}, {@code service},
 * {@code environment}, {@code status} (of the deploy's latest verdict), {@code reason} (any revision had it),
 * {@code state} (the exceptions register's open / remediated / rolled-back / expired), {@code sod} (only deploys whose
 * deployer authored a change in them), and {@code page}.
 */
public record Filter(
        Optional<LocalDate> from,
        Optional<LocalDate> to,
        Optional<String> team,
        Optional<String> service,
        Optional<String> environment,
        Optional<VerdictStatus> status,
        Optional<ReasonCode> reason,
        Optional<String> state,
        boolean sod,
        int page) {

    /** The exceptions register's states, as in the {@code state} parameter. */
    public static final List<String> STATES = List.of("open", "remediated", "rolled-back", "expired");

    public static final Filter NONE = new Filter(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false, 1);

    /** A parameter that cannot be read. */
    public static final class Invalid extends RuntimeException {
        public Invalid(String message) {
            super(message);
        }
    }

    /**
     * Reads the filter from query parameters (blank ones count as absent).
     *
     * @throws Invalid naming every parameter that cannot be read
     */
    public static Filter parse(Function<String, String> params) {
        List<String> problems = new ArrayList<>();
        Optional<LocalDate> from = value(params, "from", LocalDate::parse, "a day as YYYY-MM-DD", problems);
        Optional<LocalDate> to = value(params, "to", LocalDate::parse, "a day as YYYY-MM-DD", problems);
        Optional<VerdictStatus> status = value(params, "status",
                s -> VerdictStatus.valueOf(s.toUpperCase(Locale.ROOT)), "one of " + List.of(VerdictStatus.values()),
                problems);
        Optional<ReasonCode> reason = value(params, "reason", s -> ReasonCode.valueOf(s.toUpperCase(Locale.ROOT)),
                "a reason code such as NO_APPROVAL", problems);
        Optional<String> state = value(params, "state", s -> {
            if (!STATES.contains(s)) {
                throw new IllegalArgumentException();
            }
            return s;
        }, "one of " + STATES, problems);
        Optional<Integer> page = value(params, "page", s -> {
            int n = Integer.parseInt(s);
            if (n < 1) {
                throw new IllegalArgumentException();
            }
            return n;
        }, "a page number from 1", problems);
        if (from.isPresent() && to.isPresent() && to.get().isBefore(from.get())) {
            problems.add("to (" + to.get() + ") is before from (" + from.get() + ")");
        }
        if (!problems.isEmpty()) {
            throw new Invalid(String.join("; ", problems));
        }
        return new Filter(from, to, text(params, "team"), text(params, "service"), text(params, "environment"),
                status, reason, state, "true".equals(params.apply("sod")), page.orElse(1));
    }

    private static Optional<String> text(Function<String, String> params, String name) {
        String value = params.apply(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

    private static <T> Optional<T> value(Function<String, String> params, String name, Function<String, T> parse,
                                         String expected, List<String> problems) {
        Optional<String> text = text(params, name);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(parse.apply(text.get()));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            problems.add(name + " must be " + expected + ", got '" + text.get() + "'");
            return Optional.empty();
        }
    }

    /** The same filter with a period, where it has none. */
    public Filter withDefaultPeriod(LocalDate from, LocalDate to) {
        return new Filter(this.from.or(() -> Optional.of(from)), this.to.or(() -> Optional.of(to)), team, service,
                environment, status, reason, state, sod, page);
    }

    public Filter withPage(int page) {
        return new Filter(from, to, team, service, environment, status, reason, state, sod, page);
    }

    /** The parameters of this filter, in a fixed order, without the page. */
    public Map<String, String> parameters() {
        Map<String, String> p = new LinkedHashMap<>();
        from.ifPresent(v -> p.put("from", v.toString()));
        to.ifPresent(v -> p.put("to", v.toString()));
        team.ifPresent(v -> p.put("team", v));
        service.ifPresent(v -> p.put("service", v));
        environment.ifPresent(v -> p.put("environment", v));
        status.ifPresent(v -> p.put("status", v.name()));
        reason.ifPresent(v -> p.put("reason", v.name()));
        state.ifPresent(v -> p.put("state", v));
        if (sod) {
            p.put("sod", "true");
        }
        return p;
    }

    /** {@code path?query} of this filter, with {@code extra} parameters after it (a page, a format). */
    public String link(String path, String... extra) {
        StringBuilder query = new StringBuilder();
        parameters().forEach((k, v) -> query.append(query.isEmpty() ? "" : "&").append(k).append('=').append(encode(v)));
        for (int i = 0; i + 1 < extra.length; i += 2) {
            query.append(query.isEmpty() ? "" : "&").append(extra[i]).append('=').append(encode(extra[i + 1]));
        }
        return query.isEmpty() ? path : path + "?" + query;
    }

    /** This filter's link to another page of the same list. */
    public String pageLink(String path, int page) {
        return page == 1 ? link(path) : link(path, "page", Integer.toString(page));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
