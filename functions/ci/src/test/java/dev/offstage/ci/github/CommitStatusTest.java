package dev.offstage.ci.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.offstage.ci.github.CommitStatus.State;
import java.net.URI;
import org.junit.jupiter.api.Test;

class CommitStatusTest {

    @Test
    void longDescriptionIsCutTo140CharactersEndingInAnEllipsis() {
        var status = new CommitStatus(State.FAILURE, null, "x".repeat(200), "offstage/ci");

        assertThat(status.description()).hasSize(140).endsWith("x…");
    }

    @Test
    void descriptionOf140CharactersStaysWhole() {
        var description = "y".repeat(140);

        assertThat(new CommitStatus(State.SUCCESS, null, description, "offstage/ci").description()).isEqualTo(description);
    }

    @Test
    void cutNeverSplitsAnEmoji() {
        var status = new CommitStatus(State.SUCCESS, null, "🚀".repeat(141), "offstage/ci");

        assertThat(status.description().codePoints().count()).isEqualTo(140);
        assertThat(status.description()).startsWith("🚀").endsWith("🚀…");
    }

    @Test
    void statesAreSentLowerCase() {
        assertThat(State.PENDING.apiValue()).isEqualTo("pending");
        assertThat(State.ERROR.apiValue()).isEqualTo("error");
    }

    @Test
    void rejectsBlankContextAndRelativeTargetUrl() {
        assertThatIllegalArgumentException().isThrownBy(() -> new CommitStatus(State.PENDING, null, null, " "));
        assertThatIllegalArgumentException().isThrownBy(
                () -> new CommitStatus(State.PENDING, URI.create("/builds/1"), null, "offstage/ci"));
        assertThatIllegalArgumentException().isThrownBy(
                () -> new CommitStatus(State.PENDING, URI.create("javascript:alert(1)"), null, "offstage/ci"));
    }
}
