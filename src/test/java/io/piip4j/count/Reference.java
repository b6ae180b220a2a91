package io.piip4j.count;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * The reference facts in {@code ../shared/reference} (relative to the project folder, where Maven
 * runs tests): skipped where absent, a failure on CI ({@code CI=true}).
 */
public final class Reference {
    private Reference() {
    }

    public static Path require() {
        Path p = Path.of("..", "shared", "reference");
        if (!Files.isDirectory(p)) {
            if ("true".equals(System.getenv("CI"))) {
                fail("../shared/reference not present");
            }
            Assumptions.assumeTrue(false, "../shared/reference not present");
        }
        return p;
    }

    public static JsonNode json(String file) {
        try {
            return new ObjectMapper().readTree(require().resolve(file).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
