/**
 * A local stand-in for the few GitHub REST API calls the CI pipeline makes, so that
 * {@code scripts/demo} can run a build end to end without internet or a GitHub account:
 * {@link dev.offstage.local.github.GitHubPlayer} serves the tarball of a folder as a commit and
 * records the commit statuses the runner posts; {@link dev.offstage.local.github.Main} runs it.
 */
package dev.offstage.local.github;
