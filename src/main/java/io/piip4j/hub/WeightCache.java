package io.piip4j.hub;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Where downloaded checkpoints live, as torch hub and DJL keep theirs: {@code $PIIP4J_HOME} (or the
 * system property {@code piip4j.home}) if set, else the user's cache folder — {@code
 * $XDG_CACHE_HOME/piip4j} or {@code ~/.cache/piip4j} on Linux, {@code ~/Library/Caches/piip4j} on
 * macOS, {@code %LOCALAPPDATA%\piip4j} on Windows. Checkpoints go to {@code checkpoints/} under it.
 */
public final class WeightCache {
    public static final String HOME_VARIABLE = "PIIP4J_HOME";
    public static final String HOME_PROPERTY = "piip4j.home";

    private WeightCache() {
    }

    /** The cache's root folder (not created here). */
    public static Path home() {
        String set = System.getProperty(HOME_PROPERTY, System.getenv(HOME_VARIABLE));
        if (set != null && !set.isBlank()) {
            return Path.of(set);
        }
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        Path user = Path.of(System.getProperty("user.home"));
        if (os.contains("mac")) {
            return user.resolve("Library").resolve("Caches").resolve("piip4j");
        }
        if (os.contains("win")) {
            String local = System.getenv("LOCALAPPDATA");
            return (local != null ? Path.of(local) : user.resolve("AppData").resolve("Local")).resolve("piip4j");
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : user.resolve(".cache")).resolve("piip4j");
    }

    /** The path a checkpoint of this file name has in the cache. */
    public static Path checkpoint(String fileName) {
        if (fileName.contains("/") || fileName.contains("\\") || fileName.startsWith(".")) {
            throw new IllegalArgumentException("not a checkpoint file name: " + fileName);
        }
        return home().resolve("checkpoints").resolve(fileName);
    }
}
