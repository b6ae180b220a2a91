package io.piip4j.weights;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Function;

/**
 * A checkpoint shipped inside the jar, handed to readers that take a file: copied to a temporary
 * file, read, and the copy deleted at once (also when reading fails).
 */
public final class ResourceCheckpoint {
    private ResourceCheckpoint() {
    }

    /** {@code read} applied to a temporary copy of {@code weights}; {@code prefix} names the copy. */
    public static <T> T read(InputStream weights, String prefix, Function<Path, T> read) throws IOException {
        Path tmp = Files.createTempFile(prefix, ".pth");
        try {
            Files.copy(weights, tmp, StandardCopyOption.REPLACE_EXISTING);
            return read.apply(tmp);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
