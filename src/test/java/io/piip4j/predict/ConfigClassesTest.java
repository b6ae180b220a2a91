package io.piip4j.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.piip4j.config.ConfigException;
import io.piip4j.detector.MaskRcnn;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A detector's or segmentor's {@code classes}: read, checked against the head's class count, defaulted. */
class ConfigClassesTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String KEY = "model.roi_head.bbox_head.num_classes";

    private static JsonNode json(String s) throws Exception {
        return MAPPER.readTree(s);
    }

    @Test
    void namesComeFromTheTopLevelListOrCaseJsonsConfig() throws Exception {
        assertEquals(List.of("disc", "ring"), ConfigClasses.read(json("{\"classes\": [\"disc\", \"ring\"], \"model\": {}}"), "c.json", 2, KEY, Labels.detection(2)));
        assertEquals(List.of("a"), ConfigClasses.read(json("{\"config\": {\"classes\": [\"a\"]}}"), "case.json", 1, KEY, Labels.detection(1)));
        assertTrue(ConfigClasses.given(json("{\"classes\": [\"a\"]}")));
        assertFalse(ConfigClasses.given(json("{\"classes\": null}")));
    }

    @Test
    void withoutThemCocoFor80ElseNumbered() throws Exception {
        assertEquals(Labels.coco80(), ConfigClasses.read(json("{}"), "c.json", 80, KEY, Labels.detection(80)));
        assertEquals(List.of("class_0", "class_1", "class_2"), ConfigClasses.read(json("{}"), "c.json", 3, KEY, Labels.detection(3)));
    }

    @Test
    void aWrongLengthOrAnEntryThatIsNoNameFailsNamingTheKey() throws Exception {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigClasses.read(json("{\"classes\": [\"a\", \"b\"]}"), "c.json", 3, KEY, Labels.detection(3)));
        assertEquals("c.json: classes: 2 names, but model.roi_head.bbox_head.num_classes is 3", e.getMessage());
        e = assertThrows(ConfigException.class, () -> ConfigClasses.read(json("{\"config\": {\"classes\": [\"a\", 7]}}"), "case.json", 2, KEY, Labels.detection(2)));
        assertEquals("case.json: config.classes[1]: expected a class name (a non-empty string), got 7", e.getMessage());
        e = assertThrows(ConfigException.class, () -> ConfigClasses.read(json("{\"classes\": \"abc\"}"), "c.json", 1, KEY, Labels.detection(1)));
        assertEquals("c.json: classes: expected a list of class names, got \"abc\"", e.getMessage());
    }

    /** The model built from the shapes recipe labels with its names; one name short is refused before building. */
    @Test
    void theShapesRecipeNamesItsClasses() throws Exception {
        ObjectNode root = (ObjectNode) MAPPER.readTree(Path.of("recipes/shapes/piip-maskrcnn-tiny.json").toFile());
        try (MaskRcnn model = MaskRcnn.create(root, "piip-maskrcnn-tiny.json")) {
            assertEquals(List.of("disc", "square", "triangle", "ring"), model.classNames());
        }
        root.withArray("classes").remove(3);
        ConfigException e = assertThrows(ConfigException.class, () -> MaskRcnn.create(root, "tiny.json"));
        assertEquals("tiny.json: classes: 3 names, but model.roi_head.bbox_head.num_classes is 4", e.getMessage());
    }

    /** Segmentors read the same key: the shapes UperNet labels its maps with background and the four shapes. */
    @Test
    void theShapesSegmentorNamesItsClasses() throws Exception {
        ObjectNode root = (ObjectNode) MAPPER.readTree(Path.of("recipes/shapes/piip-upernet-tiny.json").toFile());
        try (io.piip4j.segmentor.UperNet model = io.piip4j.segmentor.UperNet.create(root, "piip-upernet-tiny.json")) {
            assertEquals(List.of("background", "disc", "square", "triangle", "ring"), model.classNames());
        }
        root.withArray("classes").remove(0);
        ConfigException e = assertThrows(ConfigException.class, () -> io.piip4j.segmentor.UperNet.create(root, "tiny.json"));
        assertEquals("tiny.json: classes: 4 names, but model.decode_head.num_classes is 5", e.getMessage());
        assertEquals(Labels.ade20k150Names(), Labels.segmentation(150));
    }
}
