package dev.offstage.ci.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.ci.github.GitHubRepository;
import org.junit.jupiter.api.Test;

class RepositoryFilterTest {

    private static final GitHubRepository HELLO = new GitHubRepository("octo-org", "hello-offstage");

    @Test
    void starAllowsAnyRepository() {
        assertThat(RepositoryFilter.parse("*").allows(HELLO)).isTrue();
    }

    @Test
    void ownerWildcardAndFullNamesMatchWithoutRegardToCase() {
        assertThat(RepositoryFilter.parse("Octo-Org/*").allows(HELLO)).isTrue();
        assertThat(RepositoryFilter.parse(" acme/app , octo-org/HELLO-offstage ").allows(HELLO)).isTrue();
        assertThat(RepositoryFilter.parse("acme/*,octo-org/other").allows(HELLO)).isFalse();
        assertThat(RepositoryFilter.parse("octo/*").allows(HELLO)).as("no prefix matching").isFalse();
    }

    @Test
    void malformedPatternsAreRefusedNamingThem() {
        assertThatThrownBy(() -> RepositoryFilter.parse("octo-org")).hasMessageContaining("'octo-org'");
        assertThatThrownBy(() -> RepositoryFilter.parse("octo-org/a b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RepositoryFilter.parse(" , ")).hasMessageContaining("no repository");
    }
}
