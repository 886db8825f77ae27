package dev.oversight.report.audit;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * What an audit package covers: the period ({@code from} and {@code to}, days in UTC, both included, on the deploy's
 * time), the optional {@code team}, {@code service}, {@code environment} and {@code repository}, the size of the
 * sample and its seed. The same parameters in the URL ({@code /reports/audit?from=…}) and on the command line
 * ({@code oversight report --from …}).
 *
 * @param seed      the sample's seed; drawn at random when none is given, and recorded in the manifest either way
 * @param seedGiven whether the seed was asked for (the manifest says so)
 */
public record AuditScope(
        LocalDate from,
        LocalDate to,
        Optional<String> team,
        Optional<String> service,
        Optional<String> environment,
        Optional<String> repository,
        int sample,
        long seed,
        boolean seedGiven) {

    public static final int DEFAULT_SAMPLE = 25;
    public static final int MAX_SAMPLE = 1000;

    /** Parameters that cannot be read, every problem named. */
    public static final class Invalid extends RuntimeException {
        public Invalid(String message) {
            super(message);
        }
    }

    /**
     * Reads a scope from named parameters ({@code from}, {@code to}, {@code team}, {@code service},
     * {@code environment}, {@code repository}, {@code sample}, {@code seed}); blank ones count as absent.
     *
     * @throws Invalid naming every parameter that cannot be read
     */
    public static AuditScope parse(Function<String, String> params) {
        List<String> problems = new ArrayList<>();
        LocalDate from = day(params, "from", problems);
        LocalDate to = day(params, "to", problems);
        if (from != null && to != null && to.isBefore(from)) {
            problems.add("to (" + to + ") is before from (" + from + ")");
        }
        int sample = DEFAULT_SAMPLE;
        Optional<String> sampleText = text(params, "sample");
        if (sampleText.isPresent()) {
            try {
                sample = Integer.parseInt(sampleText.get());
                if (sample < 0 || sample > MAX_SAMPLE) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                problems.add("sample must be a number of deploys from 0 to " + MAX_SAMPLE + ", got '"
                        + sampleText.get() + "'");
            }
        }
        Optional<String> seedText = text(params, "seed");
        long seed = 0;
        if (seedText.isPresent()) {
            try {
                seed = Long.parseLong(seedText.get());
            } catch (NumberFormatException e) {
                problems.add("seed must be a whole number, got '" + seedText.get() + "'");
            }
        } else {
            seed = new SecureRandom().nextLong() >>> 1;
        }
        if (!problems.isEmpty()) {
            throw new Invalid(String.join("; ", problems));
        }
        return new AuditScope(from, to, text(params, "team"), text(params, "service"), text(params, "environment"),
                text(params, "repository"), sample, seed, seedText.isPresent());
    }

    private static LocalDate day(Function<String, String> params, String name, List<String> problems) {
        Optional<String> text = text(params, name);
        if (text.isEmpty()) {
            problems.add(name + " is required: a day as YYYY-MM-DD");
            return null;
        }
        try {
            return LocalDate.parse(text.get());
        } catch (DateTimeParseException e) {
            problems.add(name + " must be a day as YYYY-MM-DD, got '" + text.get() + "'");
            return null;
        }
    }

    private static Optional<String> text(Function<String, String> params, String name) {
        String value = params.apply(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

    /** The filters that narrow the population, by name, in a fixed order (the period and the sample apart). */
    public Map<String, String> filters() {
        Map<String, String> f = new LinkedHashMap<>();
        team.ifPresent(v -> f.put("team", v));
        service.ifPresent(v -> f.put("service", v));
        environment.ifPresent(v -> f.put("environment", v));
        repository.ifPresent(v -> f.put("repository", v));
        return f;
    }

    /** {@code from_to}, for file names: {@code oversight-audit-2026-01-01_2026-12-31}. */
    public String name() {
        return "oversight-audit-" + from + "_" + to;
    }

    /**
     * The SQL condition selecting the deploys (aliased {@code d}) in scope, with {@code ?} for the values that
     * {@link #bind} sets: the deploy's time in [from 00:00, to + 1 day 00:00) UTC, then each filter by equality.
     */
    public String where() {
        StringBuilder sql = new StringBuilder(
                "d.deployed_at >= CAST(? AS TIMESTAMP) AND d.deployed_at < CAST(? AS TIMESTAMP)");
        filters().keySet().forEach(column -> sql.append(" AND d.").append(column).append(" = ?"));
        return sql.toString();
    }

    /** Binds the values of {@link #where()} from parameter {@code first} on; returns the next free index. */
    public int bind(PreparedStatement statement, int first) throws SQLException {
        int i = first;
        statement.setString(i++, from.atStartOfDay().toString());
        statement.setString(i++, to.plusDays(1).atStartOfDay().toString());
        for (String value : filters().values()) {
            statement.setString(i++, value);
        }
        return i;
    }

    /**
     * Prepares a query whose only parameters are the scope's: each {@link #WHERE_MARK} in {@code template} becomes
     * {@link #where()}, its values bound.
     */
    PreparedStatement prepare(Connection c, String template) throws SQLException {
        PreparedStatement statement = c.prepareStatement(template.replace(WHERE_MARK, where()));
        int uses = (template.length() - template.replace(WHERE_MARK, "").length()) / WHERE_MARK.length();
        int next = 1;
        for (int i = 0; i < uses; i++) {
            next = bind(statement, next);
        }
        return statement;
    }

    /** Where a query names the scope's condition: {@link #sql} replaces it. */
    static final String WHERE_MARK = "/*scope*/";
}
