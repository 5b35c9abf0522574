package dev.offstage.video.media;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The renditions to make, from configuration ({@code VIDEO_RENDITIONS}, e.g.
 * {@code 1080p:1080:5000,720p:720:2800,480p:480:1400} = name : short side in pixels : video
 * kbit/s), and how a source maps onto it: never upscaling, keeping the aspect ratio, portrait
 * staying portrait.
 *
 * @param rungs     at least one, names unique
 * @param audioKbps the AAC bit rate of every rendition, when the source has audio
 */
public record RenditionLadder(List<Rung> rungs, int audioKbps) {

    public static final String DEFAULT = "1080p:1080:5000,720p:720:2800,480p:480:1400";
    public static final int DEFAULT_AUDIO_KBPS = 128;

    /** A name becomes a file name ({@code 720p.mp4}) and part of a key: nothing that could escape a prefix. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9_-]{1,32}");
    /** Beyond 8K is a typo, not a rendition. */
    private static final int MAX_SHORT_SIDE = 4320;
    private static final String FORMAT = "expected name:shortSide:videoKbps, e.g. 720p:720:2800";

    /**
     * @param shortSide the rendition's shorter side (its height for landscape, its width for portrait)
     * @throws IllegalArgumentException when the name is not {@code [a-z0-9_-]{1,32}}, the short
     *     side is not even and in 2..4320, or the bit rate is not positive
     */
    public record Rung(String name, int shortSide, int videoKbps) {
        public Rung {
            Objects.requireNonNull(name, "name");
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("rendition name '" + name
                        + "' must be 1 to 32 of a-z, 0-9, '_' and '-' (it names a file)");
            }
            // H.264 in 4:2:0 needs even dimensions; an odd rung would be silently changed.
            if (shortSide < 2 || shortSide > MAX_SHORT_SIDE || shortSide % 2 != 0) {
                throw new IllegalArgumentException("rendition " + name + ": short side " + shortSide
                        + " must be an even number of pixels from 2 to " + MAX_SHORT_SIDE);
            }
            if (videoKbps <= 0) {
                throw new IllegalArgumentException("rendition " + name + ": video bit rate " + videoKbps
                        + " kbit/s must be positive");
            }
        }
    }

    /** @throws IllegalArgumentException when there are no rungs, two share a name, or audioKbps is not positive */
    public RenditionLadder {
        rungs = List.copyOf(rungs);
        if (rungs.isEmpty()) {
            throw new IllegalArgumentException("the rendition ladder is empty: " + FORMAT);
        }
        var names = new HashSet<String>();
        for (Rung rung : rungs) {
            if (!names.add(rung.name())) {
                throw new IllegalArgumentException("the rendition ladder names " + rung.name() + " twice");
            }
        }
        if (audioKbps <= 0) {
            throw new IllegalArgumentException("the audio bit rate " + audioKbps + " kbit/s must be positive");
        }
    }

    /** Parses a ladder; a malformed one throws IllegalArgumentException naming the bad part. */
    public static RenditionLadder parse(String spec, int audioKbps) {
        Objects.requireNonNull(spec, "spec");
        if (spec.isBlank()) {
            throw new IllegalArgumentException("the rendition ladder is empty: " + FORMAT);
        }
        var rungs = new ArrayList<Rung>();
        for (String part : spec.split(",", -1)) {
            rungs.add(parseRung(part.strip()));
        }
        return new RenditionLadder(rungs, audioKbps);
    }

    private static Rung parseRung(String part) {
        if (part.isEmpty()) {
            throw new IllegalArgumentException(
                    "the rendition ladder has an empty entry (two commas in a row, or one at an end): " + FORMAT);
        }
        try {
            String[] fields = part.split(":", -1);
            if (fields.length != 3) {
                throw new IllegalArgumentException(FORMAT);
            }
            return new Rung(fields[0].strip(), number("short side", fields[1]), number("video kbit/s", fields[2]));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("rendition ladder entry '" + part + "': " + e.getMessage(), e);
        }
    }

    private static int number(String what, String text) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " '" + text.strip() + "' is not a whole number");
        }
    }

    /**
     * The renditions for a video stream, largest first: every rung whose short side is at most the
     * source's displayed short side, sized to the displayed aspect ratio with even dimensions
     * ({@link MediaInfo.Video#displayWidth()}: non-square pixels stretched, rotation applied); a
     * source smaller than every rung gets one rendition at its own (even) size, named after its
     * short side ({@code 360p}).
     *
     * <p>The long side is rounded to the nearest even number, but never past the source's. Rungs
     * that come out the same size collapse into the first of them in the ladder's order. The
     * rendition at the source's own size takes the smallest rung's bit rate (a ceiling: CRF decides).
     *
     * @throws IllegalArgumentException when the displayed picture is smaller than 2x2
     */
    public List<Rendition> plan(MediaInfo.Video video) {
        int width = video.displayWidth();
        int height = video.displayHeight();
        if (width < 2 || height < 2) {
            throw new IllegalArgumentException("a " + width + "x" + height + " picture is too small to encode");
        }
        boolean portrait = height > width;
        int sourceShort = Math.min(width, height);
        int sourceLong = Math.max(width, height);
        // Sorted by size, not by name or spec order: "largest first" is the contract.
        var bySize = rungs.stream().sorted(Comparator.comparingInt(Rung::shortSide).reversed()).toList();
        var planned = new LinkedHashMap<List<Integer>, Rendition>();
        for (Rung rung : bySize) {
            if (rung.shortSide() <= sourceShort) {
                int longSide = longSide(rung.shortSide(), sourceShort, sourceLong);
                add(planned, rendition(rung.name(), rung.shortSide(), longSide, portrait, rung.videoKbps()));
            }
        }
        if (planned.isEmpty()) {
            int shortSide = floorEven(sourceShort);
            Rung smallest = bySize.getLast();
            add(planned, rendition(shortSide + "p", shortSide, floorEven(sourceLong), portrait, smallest.videoKbps()));
        }
        return List.copyOf(planned.values());
    }

    private static void add(Map<List<Integer>, Rendition> planned, Rendition rendition) {
        planned.putIfAbsent(List.of(rendition.width(), rendition.height()), rendition);
    }

    private Rendition rendition(String name, int shortSide, int longSide, boolean portrait, int videoKbps) {
        return portrait
                ? new Rendition(name, shortSide, longSide, videoKbps, audioKbps)
                : new Rendition(name, longSide, shortSide, videoKbps, audioKbps);
    }

    /** The long side for {@code shortSide} at the source's aspect ratio: nearest even, at most the source's (even). */
    private static int longSide(int shortSide, int sourceShort, int sourceLong) {
        long nearestEven = 2 * Math.round(shortSide * (double) sourceLong / sourceShort / 2);
        return (int) Math.max(2, Math.min(nearestEven, floorEven(sourceLong)));
    }

    private static int floorEven(int pixels) {
        return pixels - pixels % 2;
    }
}
