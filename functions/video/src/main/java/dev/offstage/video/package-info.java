/**
 * The video pipeline: an upload to the uploads bucket is probed and transcoded into a rendition
 * ladder and a poster ({@code transcode}); long videos are split at keyframes, their segments
 * transcoded in parallel by many invocations and stitched back ({@code segments}). ffmpeg and
 * ffprobe are driven by {@code media}; the videos table by {@code store}; the outputs bucket by
 * {@code storage}; completion notices by {@code notify}.
 */
package dev.offstage.video;
