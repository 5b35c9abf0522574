/**
 * The CI pipeline: GitHub webhooks ({@code webhook}), the builds queue and records ({@code build}),
 * the runner that fetches, runs and reports a build ({@code runner}), the GitHub API ({@code github})
 * and the build pages ({@code pages}).
 */
package dev.offstage.ci;
