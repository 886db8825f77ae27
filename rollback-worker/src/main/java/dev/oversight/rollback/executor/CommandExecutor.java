package dev.oversight.rollback.executor;

import dev.oversight.policy.rules.RollbackTarget;

import dev.oversight.events.Action;
import dev.oversight.events.json.Json;
import dev.oversight.rollback.delivery.DeliveryException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Rolls back by running a program: {@code services[].rollback.argv}, with the rollback in its environment
 * (OVERSIGHT_SERVICE, OVERSIGHT_ENVIRONMENT, OVERSIGHT_BAD_SHA, OVERSIGHT_GOOD_SHA, …). The program inherits the
 * worker's environment without any {@code OVERSIGHT_*} or {@code KAFKA_*} variable, so Oversight's own credentials
 * never reach it. Exit 0 is success; exit 75 (EX_TEMPFAIL) asks for a retry; any other status is a failure; a run
 * that outlives OVERSIGHT_COMMAND_TIMEOUT is killed and its outcome is unknown. Like the webhook, a command is never
 * run twice for one rollback.
 */
public final class CommandExecutor implements RollbackExecutor {

    public static final int EX_TEMPFAIL = 75;
    private static final int OUTPUT_TAIL = 500;

    private final Duration timeout;

    public CommandExecutor(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public String name() {
        return "command";
    }

    @Override
    public boolean repeatable() {
        return false;
    }

    @Override
    public Action.Request describe(RollbackJob job) {
        String commandLine = argv(job).stream().map(CommandExecutor::quote).collect(Collectors.joining(" "));
        return new Action.Request("exec", commandLine, Json.toString(variables(job)));
    }

    @Override
    public Lookup lookup(RollbackJob job) {
        return Lookup.cannotTell("a command that may have run cannot be asked whether it did");
    }

    @Override
    public String execute(RollbackJob job) throws DeliveryException {
        Path output = null;
        try {
            output = Files.createTempFile("oversight-rollback-", ".log");
            ProcessBuilder builder = new ProcessBuilder(argv(job)).redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().keySet().removeIf(k -> k.startsWith("OVERSIGHT_") || k.startsWith("KAFKA_"));
            builder.environment().putAll(variables(job));
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new DeliveryException(DeliveryException.Kind.UNKNOWN_OUTCOME, "still running after " + timeout
                        + ", killed; it may have rolled back part or all of the way. Output: " + tail(output));
            }
            int status = process.exitValue();
            String said = tail(output);
            if (status == 0) {
                return "exit 0" + (said.isEmpty() ? "" : ": " + said);
            }
            throw new DeliveryException(status == EX_TEMPFAIL ? DeliveryException.Kind.RETRIABLE
                    : DeliveryException.Kind.FATAL, "exit " + status + (said.isEmpty() ? "" : ": " + said));
        } catch (IOException e) {
            throw new DeliveryException(DeliveryException.Kind.FATAL, "cannot run " + argv(job).get(0) + ": "
                    + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException(DeliveryException.Kind.UNKNOWN_OUTCOME,
                    "interrupted while the command ran; it may have rolled back");
        } finally {
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException ignored) {
                    // a temporary file left behind is harmless
                }
            }
        }
    }

    private static List<String> argv(RollbackJob job) {
        return ((RollbackTarget.Command) job.settings()).argv();
    }

    /** The environment variables the command gets. */
    static Map<String, String> variables(RollbackJob job) {
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("OVERSIGHT_SERVICE", job.verdict().service());
        vars.put("OVERSIGHT_ENVIRONMENT", job.environment());
        vars.put("OVERSIGHT_REPOSITORY", job.verdict().repository());
        vars.put("OVERSIGHT_BAD_SHA", String.valueOf(job.verdict().sha()));
        vars.put("OVERSIGHT_GOOD_SHA", job.target().sha());
        vars.put("OVERSIGHT_DEPLOY_ID", job.verdict().deployId());
        vars.put("OVERSIGHT_GOOD_DEPLOY_ID", job.target().deployId());
        vars.put("OVERSIGHT_VERDICT_ID", job.verdict().verdictId());
        vars.put("OVERSIGHT_IDEMPOTENCY_KEY", job.actionId());
        return vars;
    }

    private static String tail(Path output) throws IOException {
        String text = Files.readString(output, StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
        return text.length() <= OUTPUT_TAIL ? text : "…" + text.substring(text.length() - OUTPUT_TAIL);
    }

    private static String quote(String arg) {
        return arg.matches("[A-Za-z0-9_./=:@%+-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'";
    }
}
