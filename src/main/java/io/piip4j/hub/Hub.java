package io.piip4j.hub;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Zoo checkpoints by name: found in the {@link WeightCache}, or downloaded into it — only when the
 * caller says so ({@code piip fetch}, {@code --download}, {@code PIIP4J_DOWNLOAD=1},
 * {@code Zoo.fetch}), never silently.
 */
public final class Hub {
    /** Set to 1 (or true) to let commands download a named model's weights on first use. */
    public static final String DOWNLOAD_VARIABLE = "PIIP4J_DOWNLOAD";

    private Hub() {
    }

    /** Whether the environment consents to downloads on first use. */
    public static boolean downloadsAllowedByEnvironment() {
        String v = System.getenv(DOWNLOAD_VARIABLE);
        return v != null && (v.equals("1") || v.equalsIgnoreCase("true"));
    }

    /** The cached checkpoint of a zoo model, if it was downloaded before. */
    public static Optional<Path> cached(String zooName) {
        return CheckpointSource.of(zooName).map(s -> WeightCache.checkpoint(s.fileName())).filter(Files::isRegularFile);
    }

    /**
     * The zoo model's checkpoint, downloaded into the cache (with progress on {@code progress}, or
     * quietly if null) unless already there.
     *
     * @param sha256 the digest to insist on, or null for the published one (if any)
     */
    public static Path fetch(String zooName, String sha256, PrintStream progress) {
        CheckpointSource s = source(zooName);
        return new Downloader(progress).fetch(s.url(), WeightCache.checkpoint(s.fileName()), sha256 != null ? sha256 : s.sha256());
    }

    private static CheckpointSource source(String zooName) {
        return CheckpointSource.of(zooName).orElseThrow(() -> new IllegalArgumentException(zooName
                + ": the official project publishes no checkpoint for this model; pass a file with --weights FILE"));
    }

    /**
     * The checkpoint of a zoo model for a command: from the cache, or downloaded when {@code download}
     * (or the environment) allows it; otherwise an error that says how to get it.
     */
    public static Path resolve(String zooName, boolean download, PrintStream progress) {
        Optional<Path> hit = cached(zooName);
        if (hit.isPresent()) {
            return hit.get();
        }
        CheckpointSource s = source(zooName);
        if (!download && !downloadsAllowedByEnvironment()) {
            throw new IllegalArgumentException(zooName + ": weights not downloaded yet (" + s.url() + "); run 'piip fetch " + zooName
                    + "' or add --download (or set " + DOWNLOAD_VARIABLE + "=1)");
        }
        return fetch(zooName, null, progress);
    }
}
