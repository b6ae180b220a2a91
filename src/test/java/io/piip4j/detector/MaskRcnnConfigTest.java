package io.piip4j.detector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.piip4j.config.ConfigException;
import io.piip4j.testing.Golden;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The neck, heads and test_cfg of every released Mask R-CNN config, and errors that name the key. */
class MaskRcnnConfigTest {

    static Stream<String> released() {
        if (Golden.root().isEmpty()) {
            return Stream.of(Golden.ABSENT);
        }
        try (Stream<Path> files = Files.list(Golden.root().get().resolveSibling("reference").resolve("configs").resolve("detection"))) {
            return files.map(f -> f.getFileName().toString()).filter(f -> f.contains("mask_rcnn")).sorted().toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path config(String name) {
        return Golden.require().resolveSibling("reference").resolve("configs").resolve("detection").resolve(name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("released")
    void releasedConfigsRead(String name) {
        MaskRcnnConfig c = MaskRcnnConfig.read(config(name));
        assertEquals(5, c.neck().numOuts());
        assertArrayEquals(new int[] {4, 8, 16, 32, 64}, c.rpnHead().anchors().strides());
        assertEquals(80, c.bboxHead().numClasses());
        assertEquals(80, c.maskHead().numClasses());
        assertEquals(7, c.bboxRoiExtractor().outputSize());
        assertEquals(14, c.maskRoiExtractor().outputSize());
        assertEquals(0.7f, c.rpnTest().iouThreshold());
        assertEquals(0.05f, c.rcnnTest().scoreThr());
        assertEquals(100, c.rcnnTest().maxPerImg());
        assertEquals(0.5f, c.rcnnTest().maskThrBinary());
    }

    @Test
    void badValuesAreNamedByKey(@TempDir Path tmp) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(Golden.require().resolve("maskrcnn_det3_deit_window_b2_c").resolve("case.json").toFile());
        ObjectNode model = (ObjectNode) root.get("config").get("model");
        ((ObjectNode) model.get("neck")).put("out_channels", -1);
        Path f = tmp.resolve("bad.json");
        json.writeValue(f.toFile(), root);
        ConfigException e = assertThrows(ConfigException.class, () -> MaskRcnnConfig.read(f));
        assertEquals("bad.json: model.neck.out_channels: expected a positive integer, got -1", e.getMessage());

        ((ObjectNode) model.get("neck")).put("out_channels", 32);
        ((ObjectNode) model.get("test_cfg").get("rcnn")).put("score_thr", "high");
        json.writeValue(f.toFile(), root);
        e = assertThrows(ConfigException.class, () -> MaskRcnnConfig.read(f));
        assertEquals("bad.json: model.test_cfg.rcnn.score_thr: expected a number, got \"high\"", e.getMessage());
    }
}
