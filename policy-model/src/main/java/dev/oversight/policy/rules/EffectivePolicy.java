package dev.oversight.policy.rules;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** What policy asks of one deploy, after the matching rules were applied. */
public record EffectivePolicy(
        String name,
        String version,
        Policy.EnvironmentPolicy environment,
        Policy.Approvals approvals,
        Policy.Checks checks,
        List<Policy.OwnerRule> owners,
        List<String> requiredGroups,
        Policy.BreakGlass breakGlass,
        List<Policy.Freeze> freezes,
        Policy.DirectPush directPush,
        Map<String, Set<String>> groups,
        Set<String> botLogins) {

    public Set<String> group(String name) {
        return groups.getOrDefault(name, Set.of());
    }

    /** A bot: marked so by its source, or named in policy. */
    public boolean isBot(String login, boolean markedBot) {
        return markedBot || (login != null && botLogins.contains(login));
    }
}
