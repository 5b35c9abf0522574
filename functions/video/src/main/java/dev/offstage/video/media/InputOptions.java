package dev.offstage.video.media;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The options given before an input's {@code -i}: which protocols ffmpeg and ffprobe may open and
 * which demuxers may read it, and for URLs how to ride out a dropped connection.
 *
 * <p>An upload is untrusted. Without the whitelists, one that holds an HLS or DASH playlist, a
 * concat list or an image sequence pattern (whatever its name) makes ffmpeg open every URL or file
 * it names and report a "video" made of them: a request from inside the account to any address.
 * The format whitelist is checked after ffmpeg recognises the input and before it reads anything
 * the input refers to; ffmpeg then says {@code [hls @ 0x...] Format not on whitelist}, which
 * {@link ToolFailure} turns into a reason. The protocol whitelist keeps a URL input on the
 * protocols its own read needs, and a local one on local files.
 */
final class InputOptions {

    /**
     * Video containers as ffmpeg 5.1's demuxers name them ({@code ffmpeg -demuxers}); a name
     * matches any part of a demuxer's comma-separated name ({@code mov} is
     * {@code mov,mp4,m4a,3gp,3g2,mj2}). None of them opens another URL or file: the MOV demuxer
     * follows external data references only with {@code -enable_drefs 1}. Left out on purpose:
     * playlists and lists (hls, dash, concat, webm_dash_manifest, imf), sequences (image2),
     * network and raw demuxers (rtsp, sdp, data, lavfi).
     */
    static final List<String> VIDEO_CONTAINERS = List.of(
            "mov", "mp4", "m4a", "3gp", "3g2", "mj2", // MP4 and QuickTime
            "matroska", "webm", "avi", "flv", "asf", // ASF: WMV
            "mpegts", "mpeg", // MPEG transport streams (cameras, broadcast) and program streams (.mpg, .vob)
            "mxf", "dv", "ogg",
            "gif", "apng"); // animations: the probe tells a single picture from a moving one

    /**
     * Demuxers of single pictures: allowed to the probe only, so that a photo is turned down as a
     * still image (a reason people understand) rather than as a format the pipeline does not
     * read. {@code image2} reads local files by their extension; the {@code _pipe} demuxers
     * recognise pictures by their bytes, as they come over HTTP.
     */
    static final Set<String> PICTURES = Set.of("image2", "png_pipe", "jpeg_pipe", "gif_pipe", "webp_pipe", "bmp_pipe",
            "tiff_pipe", "psd_pipe", "svg_pipe", "j2k_pipe", "jpegxl_pipe", "jpegls_pipe", "qoi_pipe", "ppm_pipe",
            "pgm_pipe", "pbm_pipe", "pam_pipe", "dpx_pipe", "exr_pipe");

    private InputOptions() {}

    /** For reading a video: an upload's URL or a local file, in one of {@link #VIDEO_CONTAINERS}. */
    static List<String> video(String input) {
        return options(input, String.join(",", VIDEO_CONTAINERS));
    }

    /**
     * For probing an input: a video, or a picture the probe will turn down. Not {@code image2}
     * for a URL: it would read a name with {@code %d} in it as a sequence of other URLs, and the
     * {@code _pipe} demuxers recognise pictures over HTTP anyway.
     */
    static List<String> probe(String input) {
        var pictures = PICTURES.stream().filter(name -> !(isUrl(input) && name.equals("image2"))).sorted().toList();
        return options(input, String.join(",", VIDEO_CONTAINERS) + "," + String.join(",", pictures));
    }

    /**
     * For the concat demuxer's list of our own local MP4 segments: the list and every file it
     * names are local (the demuxer hands its whitelists on to the files it opens).
     */
    static List<String> concatList() {
        return List.of("-protocol_whitelist", "file", "-format_whitelist", "concat," + String.join(",", VIDEO_CONTAINERS));
    }

    private static List<String> options(String input, String formats) {
        var options = new ArrayList<String>(List.of("-protocol_whitelist", protocols(input), "-format_whitelist", formats));
        if (isUrl(input)) {
            // Reconnect when a long read over S3 drops, and give up on a stalled connection after
            // 30 s rather than at the deadline. (File inputs reject these options.)
            options.addAll(List.of("-reconnect", "1", "-reconnect_on_network_error", "1", "-reconnect_delay_max", "2",
                    "-rw_timeout", "30000000"));
        }
        return List.copyOf(options);
    }

    /**
     * What reading the input itself takes: HTTPS over TLS over TCP for a presigned URL; plain HTTP
     * over TCP only for an {@code http://} input (the local emulators); files otherwise.
     */
    static String protocols(String input) {
        String lower = input.toLowerCase(Locale.ROOT);
        if (lower.startsWith("https://")) {
            return "https,tls,tcp";
        }
        if (lower.startsWith("http://")) {
            return "http,tcp";
        }
        return "file";
    }

    static boolean isUrl(String input) {
        return !protocols(input).equals("file");
    }
}
