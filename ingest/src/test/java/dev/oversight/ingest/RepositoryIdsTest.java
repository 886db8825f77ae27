package dev.oversight.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RepositoryIdsTest {

    @Test
    void gitHubUrlsInEveryFormBecomeTheGitHubId() {
        assertThat(RepositoryIds.fromUrl("https://github.com/acme/payments.git")).isEqualTo("github:acme/payments");
        assertThat(RepositoryIds.fromUrl("https://github.com/acme/payments/")).isEqualTo("github:acme/payments");
        assertThat(RepositoryIds.fromUrl("git@github.com:acme/payments.git")).isEqualTo("github:acme/payments");
        assertThat(RepositoryIds.fromUrl("ssh://git@github.com/acme/payments.git")).isEqualTo("github:acme/payments");
        assertThat(RepositoryIds.fromUrl("https://github.com/acme/payments/tree/main")).isEqualTo("github:acme/payments");
        assertThat(RepositoryIds.fromUrl("https://github.example.com/acme/payments")).isEqualTo("github:acme/payments");
    }

    @Test
    void gitLabUrlsKeepTheirWholeNamespace() {
        assertThat(RepositoryIds.fromUrl("https://gitlab.com/group/sub/project.git")).isEqualTo("gitlab:group/sub/project");
        assertThat(RepositoryIds.fromUrl("https://gitlab.example.com/group/project/-/commit/abc"))
                .isEqualTo("gitlab:group/project");
        assertThat(RepositoryIds.fromUrl("git@gitlab.com:group/project.git")).isEqualTo("gitlab:group/project");
    }

    @Test
    void idsStayAndOtherUrlsAreKeptAsTheyAre() {
        assertThat(RepositoryIds.fromUrl("github:acme/payments")).isEqualTo("github:acme/payments");
        assertThat(RepositoryIds.fromUrl("https://example.org/TestRepo/TestOrg")).isEqualTo("https://example.org/TestRepo/TestOrg");
        assertThat(RepositoryIds.fromUrl("https://bitbucket.org/acme/pay.git")).isEqualTo("https://bitbucket.org/acme/pay");
        assertThat(RepositoryIds.fromUrl("my-git.example/an-org/a-repo")).isEqualTo("my-git.example/an-org/a-repo");
    }
}
