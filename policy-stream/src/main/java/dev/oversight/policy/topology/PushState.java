package dev.oversight.policy.topology;

import dev.oversight.events.Actor;
import dev.oversight.events.PushEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** One push, as the change-set walk needs it (store {@code pushes}, key: repository + the sha it brought the branch to). */
final class PushState {

    public String branch;
    public String before;
    public String after;
    public boolean forced;
    public boolean created;
    public Actor pusher;
    public List<String> commits = new ArrayList<>();
    public List<String> commitAuthors = new ArrayList<>();
    public Set<String> files = new LinkedHashSet<>();
    public Instant at;
    public String deliveryId;
    /** When Oversight stored it (stream time): what its retention counts from. Null on entries stored before. */
    public Instant storedAt;

    static PushState of(PushEvent e) {
        PushState state = new PushState();
        state.branch = e.branch();
        state.before = e.before();
        state.after = e.after();
        state.forced = e.forced();
        state.created = e.created();
        state.pusher = e.pusher();
        state.at = e.occurredAt();
        state.deliveryId = e.deliveryId();
        for (PushEvent.PushedCommit commit : e.commits()) {
            state.commits.add(commit.sha());
            state.commitAuthors.add(commit.author());
            for (List<String> paths : List.of(commit.added(), commit.modified(), commit.removed())) {
                for (String path : paths) {
                    if (state.files.size() < ChangeState.MAX_FILES) {
                        state.files.add(path);
                    }
                }
            }
        }
        return state;
    }
}
