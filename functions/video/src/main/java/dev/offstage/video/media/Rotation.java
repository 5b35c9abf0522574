package dev.offstage.video.media;

import java.util.Optional;

/**
 * Quarter turns, in the one convention of {@link MediaInfo.Video#rotation()}: the clockwise
 * degrees a player turns the coded picture to show it.
 *
 * <p>ffprobe reports a display matrix's {@code rotation} counter-clockwise: a phone's portrait
 * video, coded landscape, shows {@code -90}, and ffmpeg's own autorotation turns it with
 * {@code transpose=clock} (checked against ffmpeg 5.1 itself by {@code VideoEncoderProbeTest}
 * and {@code VideoEncoderTranscodeTest}). The legacy {@code rotate} tag, which older demuxers
 * exported, is already clockwise.
 */
final class Rotation {

    private Rotation() {}

    /** Clockwise degrees (0, 90, 180 or 270) from ffprobe's counter-clockwise display-matrix rotation, nearest quarter turn. */
    static int fromDisplayMatrix(double counterClockwise) {
        return quarterTurns(-counterClockwise);
    }

    /** Clockwise degrees (0, 90, 180 or 270) from a legacy {@code rotate} tag, nearest quarter turn. */
    static int fromRotateTag(double clockwise) {
        return quarterTurns(clockwise);
    }

    private static int quarterTurns(double clockwise) {
        long quarters = Math.round(clockwise / 90);
        return (int) Math.floorMod(quarters * 90, 360L);
    }

    /**
     * The filters that turn a coded picture as a player would show it; empty for 0. Applied
     * explicitly (with {@code -noautorotate}) because segments cut by {@code split} no longer
     * carry the rotation: both paths must make the same picture.
     *
     * @throws IllegalArgumentException when {@code clockwise} is not a quarter turn
     */
    static Optional<String> filter(int clockwise) {
        return switch (clockwise) {
            case 0 -> Optional.empty();
            case 90 -> Optional.of("transpose=clock");
            case 180 -> Optional.of("hflip,vflip");
            case 270 -> Optional.of("transpose=cclock");
            default -> throw new IllegalArgumentException("rotation must be 0, 90, 180 or 270 degrees, was " + clockwise);
        };
    }
}
