/**
 * Post processing: post events ({@code event}) taken in over SQS or HTTP, fanned out to three
 * queues, each with its consumer: the search index ({@code index}), spam filtering ({@code spam})
 * and analytics ({@code analytics}). Work in progress: see docs/post-events.md.
 */
package dev.offstage.posts;
