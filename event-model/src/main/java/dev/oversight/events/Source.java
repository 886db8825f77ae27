package dev.oversight.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The system that emitted a piece of evidence. Its id is also the prefix of repository ids. */
public enum Source {
    GITHUB,
    GITLAB,
    JENKINS,
    CDEVENTS;

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Source fromId(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}
