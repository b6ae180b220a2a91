package io.piip4j.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.piip4j.config.ConfigException;
import io.piip4j.predict.Labels;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A detector config's {@code classes}: read, checked against the head's class count, defaulted. */
class DetectorClassesTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String KEY = "model.roi_head.bbox_head.num_classes";

    private static JsonNode json(String s) throws Exception {
        return MAPPER.readTree(s);
    }

    @Test
    void namesComeFromTheTopLevelListOrCaseJsonsConfig() throws Exception {
        assertEquals(List.of("disc", "ring"), DetectorClasses.read(json("{\"classes\": [\"disc\", \"ring\"], \"model\": {}}"), "c.json", 2, KEY));
        assertEquals(List.of("a"), DetectorClasses.read(json("{\"config\": {\"classes\": [\"a\"]}}"), "case.json", 1, KEY));
        assertTrue(DetectorClasses.given(json("{\"classes\": [\"a\"]}")));
        assertFalse(DetectorClasses.given(json("{\"classes\": null}")));
    }

    @Test
    void withoutThemCocoFor80ElseNumbered() throws Exception {
        assertEquals(Labels.coco80(), DetectorClasses.read(json("{}"), "c.json", 80, KEY));
        assertEquals(List.of("class_0", "class_1", "class_2"), DetectorClasses.read(json("{}"), "c.json", 3, KEY));
    }

    @Test
    void aWrongLengthOrAnEntryThatIsNoNameFailsNamingTheKey() throws Exception {
        ConfigException e = assertThrows(ConfigException.class,
                () -> DetectorClasses.read(json("{\"classes\": [\"a\", \"b\"]}"), "c.json", 3, KEY));
        assertEquals("c.json: classes: 2 names, but model.roi_head.bbox_head.num_classes is 3", e.getMessage());
        e = assertThrows(ConfigException.class, () -> DetectorClasses.read(json("{\"config\": {\"classes\": [\"a\", 7]}}"), "case.json", 2, KEY));
        assertEquals("case.json: config.classes[1]: expected a class name (a non-empty string), got 7", e.getMessage());
        e = assertThrows(ConfigException.class, () -> DetectorClasses.read(json("{\"classes\": \"abc\"}"), "c.json", 1, KEY));
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
}
