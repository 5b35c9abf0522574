package dev.offstage.ci.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class GitHubRepositoryTest {

    @Test
    void parsesOwnerSlashName() {
        var repository = GitHubRepository.parse("offstage-dev/my_repo.js");

        assertThat(repository.owner()).isEqualTo("offstage-dev");
        assertThat(repository.name()).isEqualTo("my_repo.js");
        assertThat(repository.fullName()).isEqualTo("offstage-dev/my_repo.js");
        assertThat(repository).hasToString("offstage-dev/my_repo.js");
    }

    @Test
    void namesStartingWithDotsAreAllowed() {
        assertThat(GitHubRepository.parse("octo/.github").name()).isEqualTo(".github");
        assertThat(GitHubRepository.parse("octo/...").name()).isEqualTo("...");
    }

    @ParameterizedTest
    @ValueSource(strings = {"octo", "octo/", "/repo", "octo/repo/extra", "octo/..", "./repo", "octo/.",
        "octo/re po", "octo/re%2Fpo", "octo/repo?x=1", "octo/repo#x", "oc\\to/repo", "octo/rép", "octo/repo\n"})
    void rejectsWhatCouldEscapeAnApiPath(String fullName) {
        assertThatIllegalArgumentException().isThrownBy(() -> GitHubRepository.parse(fullName));
    }

    @Test
    void rejectsOverlongNames() {
        assertThatIllegalArgumentException().isThrownBy(() -> new GitHubRepository("octo", "r".repeat(101)));
        assertThat(new GitHubRepository("octo", "r".repeat(100)).name()).hasSize(100);
    }
}
