package dev.oversight.report.web;

import dev.oversight.policy.file.PolicyException;
import dev.oversight.policy.file.PolicyFile;
import dev.oversight.policy.rules.Policy;
import dev.oversight.runtime.kafka.KafkaConnection;
import dev.oversight.whatif.Scope;
import dev.oversight.whatif.WhatIf;
import io.vertx.ext.web.FileUpload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;

/**
 * The what-if page's runs: a policy file uploaded, checked like {@code oversight policy check} does, replayed on the
 * history of the period (module whatif, the same engine as {@code oversight whatif}). One run at a time: a replay
 * holds a copy of the topology's state, and a second one waits for none — it is told to come back.
 */
public final class WhatIfRuns {

    /** A policy file is a few kilobytes; an upload larger than this is refused. */
    public static final long MAX_POLICY_BYTES = 1024 * 1024;

    /** What the page shows: an HTTP status, the problems (with their title) or the run. */
    public record Outcome(int status, String problemsTitle, List<String> problems, WhatIf.Run run) {

        static Outcome problems(int status, String title, List<String> problems) {
            return new Outcome(status, title, problems, null);
        }
    }

    private final KafkaConnection kafka;
    private final Duration retention;
    private final Clock clock;
    private final Semaphore one = new Semaphore(1);

    /** @param retention policy-stream's state retention (OVERSIGHT_STATE_RETENTION) */
    public WhatIfRuns(KafkaConnection kafka, Duration retention, Clock clock) {
        this.kafka = kafka;
        this.retention = retention;
        this.clock = clock;
    }

    Outcome run(FileUpload upload, Map<String, String> form) throws IOException {
        if (upload == null || upload.size() == 0) {
            return Outcome.problems(400, "No policy file", List.of("Choose the policy file to try."));
        }
        Policy policy;
        Scope scope;
        try {
            policy = PolicyFile.parse(Files.readAllBytes(Path.of(upload.uploadedFileName())), upload.fileName());
            scope = Scope.parse(form::get, clock.instant());
        } catch (PolicyException e) {
            return Outcome.problems(400, upload.fileName() + " cannot be used", e.problems());
        } catch (Scope.Invalid e) {
            return Outcome.problems(400, "The form cannot be read", List.of(e.getMessage()));
        }
        if (!one.tryAcquire()) {
            return Outcome.problems(503, "Another comparison is running",
                    List.of("One what-if comparison runs at a time; send the form again when it has ended."));
        }
        try {
            return new Outcome(200, null, List.of(), WhatIf.run(kafka, policy, scope, retention, WhatIf.Progress.NONE));
        } finally {
            one.release();
        }
    }
}
