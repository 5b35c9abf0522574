/**
 * The GitHub REST API as the build runner needs it, on the JDK's {@link java.net.http.HttpClient}:
 * commit statuses, source tarballs, and the installation access tokens of a GitHub App.
 *
 * <p>{@link dev.offstage.ci.github.GitHubClient} is the way in; {@link dev.offstage.ci.github.GitHubCredentials}
 * reads the credentials secret; {@link dev.offstage.ci.github.GitHubApiException} says whether a
 * failure is worth retrying.
 */
package dev.offstage.ci.github;
