package dev.oversight.report.projection;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.duckdb.DuckDBConnection;

/**
 * The report's embedded DuckDB database: one file ({@code <data dir>/report/report.duckdb}), its tables declared once
 * in {@code schema.sql} next to this class (described in report/README.md, "Tables"). One process opens it; the
 * projection writes through {@link #writer()}, pages read through {@link #reader()} (each its own connection to the
 * same database, reading a consistent snapshot).
 */
public final class ReportDatabase implements AutoCloseable {

    /** Every table of the projection, in the order schema.sql creates them. */
    public static final List<String> TABLES = List.of("verdicts", "verdict_reasons", "verdict_changes",
            "verdict_checks", "deploys", "actions", "consumed_offsets");

    private static final String SCHEMA = "schema.sql";

    private final Path file;
    private final DuckDBConnection root;

    private ReportDatabase(Path file, DuckDBConnection root) {
        this.file = file;
        this.root = root;
    }

    /** Opens the database file (creating it and its directory when missing) and creates the tables it lacks. */
    public static ReportDatabase open(Path file) throws SQLException {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the directory of " + file, e);
        }
        Properties properties = new Properties();
        properties.setProperty("duckdb.read_only", "false");
        // Results stream to the reader (the exports hold no whole result in memory).
        properties.setProperty("jdbc_stream_results", "true");
        // Fewer, larger checkpoints while catching up: the WAL is folded into the file every 256 MiB, not every 16.
        properties.setProperty("checkpoint_threshold", "256MB");
        DuckDBConnection root = (DuckDBConnection) DriverManager.getConnection(
                "jdbc:duckdb:" + file.toAbsolutePath(), properties);
        try (Statement statement = root.createStatement()) {
            for (String sql : statements(schema())) {
                statement.execute(sql);
            }
            addProjectionSeq(statement);
        } catch (SQLException | RuntimeException e) {
            root.close();
            throw e;
        }
        return new ReportDatabase(file, root);
    }

    /**
     * A database made before {@code verdicts.projection_seq} existed gets the column (its rows without a number). Only
     * then: after an {@code ALTER TABLE}, even one that changes nothing ({@code ADD COLUMN IF NOT EXISTS}), a catch-up
     * measured twice the commit time and a database twice the size.
     */
    private static void addProjectionSeq(Statement statement) throws SQLException {
        try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM information_schema.columns "
                + "WHERE table_name = 'verdicts' AND column_name = 'projection_seq'")) {
            rs.next();
            if (rs.getLong(1) > 0) {
                return;
            }
        }
        statement.execute("ALTER TABLE verdicts ADD COLUMN projection_seq BIGINT");
    }

    /** The statements of {@code schema.sql}: split on ';', comments dropped. */
    static List<String> statements(String script) {
        StringBuilder withoutComments = new StringBuilder();
        for (String line : script.split("\n")) {
            int comment = line.indexOf("--");
            withoutComments.append(comment < 0 ? line : line.substring(0, comment)).append('\n');
        }
        return java.util.Arrays.stream(withoutComments.toString().split(";"))
                .map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** The text of {@code schema.sql}. */
    public static String schema() {
        try (InputStream in = ReportDatabase.class.getResourceAsStream(SCHEMA)) {
            if (in == null) {
                throw new IllegalStateException(SCHEMA + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new connection for the projection's writes. */
    public DuckDBConnection writer() throws SQLException {
        return (DuckDBConnection) root.duplicate();
    }

    /** A new connection for reading; close it after use. */
    public Connection reader() throws SQLException {
        return root.duplicate();
    }

    public Path file() {
        return file;
    }

    /** Rows in a table of {@link #TABLES}. */
    public long count(String table) throws SQLException {
        if (!TABLES.contains(table)) {
            throw new IllegalArgumentException("no table " + table);
        }
        try (Connection c = reader(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public void close() {
        try {
            root.close();
        } catch (SQLException e) {
            throw new IllegalStateException("closing " + file, e);
        }
    }
}
