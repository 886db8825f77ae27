package dev.oversight.rollback.alert;

import dev.oversight.events.EvidencePages;
import java.net.URI;
import java.util.Optional;

/**
 * The links every alert carries besides the deploy's own: the operator's runbook ({@code OVERSIGHT_RUNBOOK_URL})
 * and the deploy's evidence page in Oversight's report ({@code OVERSIGHT_PUBLIC_URL}/deploys/…), each only when
 * configured.
 *
 * @param runbook   the runbook template, {@link Runbook#NONE} when unset
 * @param publicUrl where users reach the report pages; null when unset
 */
public record AlertLinks(Runbook runbook, URI publicUrl) {

    public static final AlertLinks NONE = new AlertLinks(Runbook.NONE, null);

    public AlertLinks {
        runbook = runbook == null ? Runbook.NONE : runbook;
    }

    public Optional<String> runbook(Alert alert) {
        return runbook.link(alert);
    }

    /** The deploy's evidence page: who wrote, approved and deployed each change, the checks, the actions taken. */
    public Optional<String> evidence(Alert alert) {
        return publicUrl == null ? Optional.empty()
                : Optional.of(EvidencePages.url(publicUrl, alert.verdict().deployId()).toString());
    }

    @Override
    public String toString() {
        return "runbook=" + runbook + ", publicUrl=" + (publicUrl == null ? "-" : publicUrl);
    }
}
