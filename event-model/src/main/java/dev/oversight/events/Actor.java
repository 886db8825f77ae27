package dev.oversight.events;

/**
 * A person or an account that did something: opened a change, reviewed it, pushed, deployed.
 *
 * @param login the account name as the source knows it (GitHub login, GitLab username)
 * @param bot   whether the source marks the account as a bot (GitHub {@code type: Bot}, a {@code [bot]} login)
 */
public record Actor(String login, boolean bot) {

    public static Actor human(String login) {
        return new Actor(login, false);
    }

    public static Actor of(String login, String type) {
        boolean bot = "Bot".equalsIgnoreCase(type) || (login != null && login.endsWith("[bot]"));
        return new Actor(login, bot);
    }
}
