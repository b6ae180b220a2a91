package io.piip4j.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.head.dino.TransformerSpec;
import io.piip4j.testing.Golden;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The released DINO configs read into the sizes mmcv builds from them (defaults where keys are absent). */
class DinoConfigTest {
    @Test
    void releasedConfigsReadAsReleased() throws Exception {
        Path dir = Golden.shared("reference", "configs", "detection");
        List<Path> configs;
        try (Stream<Path> s = Files.list(dir)) {
            configs = s.filter(p -> p.getFileName().toString().contains("dino_4scale")).sorted().toList();
        }
        assertEquals(3, configs.size(), configs.toString());
        for (Path p : configs) {
            JsonNode root = new ObjectMapper().readTree(p.toFile());
            assertTrue(DinoConfig.describes(root));
            assertFalse(MaskRcnnConfig.describes(root));
            DinoConfig c = DinoConfig.read(root, p.getFileName().toString());
            // 256 channels; mmcv's defaults: 8 heads, 4 levels, 4 points; the FFN width from the layers' deprecated key
            assertEquals(new TransformerSpec(256, 2048, 6, 6, 4, 8, 4, 8, 900), c.transformer(), p.toString());
            assertEquals(80, c.numClasses());
            assertEquals(300, c.maxPerImg());
            assertEquals(2, c.numRegFcs());
            assertEquals(4, c.neck().numOuts());
            assertEquals(32, c.neck().gnGroups());
            assertEquals(new DinoConfig.PositionalEncoding(128, 20, true, 2 * Math.PI, 1e-6, 0), c.positionalEncoding());
        }
    }
}
