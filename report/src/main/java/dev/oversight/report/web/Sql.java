package dev.oversight.report.web;

import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A query's text and its parameters, built up together; and how the report reads DuckDB's values. */
public final class Sql {

    private final StringBuilder text = new StringBuilder();
    private final List<Object> params = new ArrayList<>();

    Sql append(String sql, Object... values) {
        text.append(sql);
        params.addAll(Arrays.asList(values));
        return this;
    }

    /** Takes the parameters of another query whose text was appended to this one. */
    Sql withParams(Sql other) {
        params.addAll(other.params);
        return this;
    }

    /** The conditions of a filter on the deploys aliased {@code d} (the state needs the register's columns). */
    Sql where(Filter f) {
        text.append(" WHERE TRUE");
        f.from().ifPresent(day -> append(" AND d.deployed_at >= CAST(? AS TIMESTAMP)", day.atStartOfDay().toString()));
        f.to().ifPresent(day -> append(" AND d.deployed_at < CAST(? AS TIMESTAMP)", day.plusDays(1).atStartOfDay().toString()));
        f.team().ifPresent(v -> append(" AND d.team = ?", v));
        f.service().ifPresent(v -> append(" AND d.service = ?", v));
        f.environment().ifPresent(v -> append(" AND d.environment = ?", v));
        f.status().ifPresent(v -> append(" AND d.status = ?", v.name()));
        f.reason().ifPresent(v -> append(" AND list_contains(d.all_reason_codes, ?)", v.name()));
        if (f.sod()) {
            append(" AND d.deployer_authored");
        }
        return this;
    }

    PreparedStatement prepare(java.sql.Connection connection) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(text.toString());
        for (int i = 0; i < params.size(); i++) {
            statement.setObject(i + 1, params.get(i));
        }
        return statement;
    }

    @Override
    public String toString() {
        return text.toString();
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        Object value = rs.getObject(column);
        return instant(value);
    }

    public static Instant instant(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof LocalDateTime t) {
            return t.toInstant(ZoneOffset.UTC);
        }
        if (value instanceof Timestamp t) {
            return t.toLocalDateTime().toInstant(ZoneOffset.UTC);
        }
        throw new IllegalStateException("not a time: " + value.getClass());
    }

    static List<String> list(ResultSet rs, String column) throws SQLException {
        return list(rs.getObject(column));
    }

    public static List<String> list(Object value) throws SQLException {
        if (value == null) {
            return List.of();
        }
        Object[] items = value instanceof Array a ? (Object[]) a.getArray() : (Object[]) value;
        List<String> out = new ArrayList<>(items.length);
        for (Object item : items) {
            out.add(String.valueOf(item));
        }
        return out;
    }
}
