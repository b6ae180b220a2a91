package io.piip4j.llava;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.piip4j.config.ConfigException;
import io.piip4j.llava.config.JsonKeys;
import io.piip4j.llava.tower.CheckpointShapes;
import io.piip4j.llava.tower.PresetShapes;
import io.piip4j.llava.tower.TowerConfig;
import io.piip4j.tensor.NdArray;
import io.piip4j.testing.Golden;
import io.piip4j.weights.PthReader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Reading the release's tower config: shapes read off a checkpoint equal the presets the golden
 * cases record, and mistakes are one line naming the file and key path.
 */
class TowerConfigTest {
    private static JsonNode caseJson(String name) {
        return Golden.caseJson(Golden.file(name));
    }

    private static TowerConfig read(JsonNode backbone, JsonNode caseJson) {
        JsonKeys c = JsonKeys.of(caseJson, "case.json");
        return TowerConfig.read(JsonKeys.of(backbone, "case.json").object("backbone"),
                new PresetShapes(c.object("clip_presets"), c.has("timm_convnext") ? c.object("timm_convnext") : null));
    }

    @Test
    void checkpointShapesEqualThePresets() {
        for (String name : new String[] {"llava_tower_clip_bl", "llava_tower_mix"}) {
            Path dir = Golden.file(name);
            JsonNode c = caseJson(name);
            TowerConfig preset = read(c.get("config_module"), c);
            Map<String, long[]> shapes = new LinkedHashMap<>();
            for (Map.Entry<String, NdArray> e : PthReader.readStateDict(dir.resolve("weights.pth")).entrySet()) {
                shapes.put(e.getKey(), e.getValue().shape());
            }
            TowerConfig inferred = TowerConfig.read(JsonKeys.of(c, "case.json").object("config_module").object("backbone"),
                    new CheckpointShapes(shapes, "vision_tower.vision_tower.", name));
            assertEquals(preset.branch1().clip(), inferred.branch1().clip(), name);
            assertEquals(String.valueOf(preset.branch2().clip()), String.valueOf(inferred.branch2().clip()), name);
            if (preset.branch2().convnext() != null) {
                assertEquals(java.util.Arrays.toString(preset.branch2().convnext().depths()),
                        java.util.Arrays.toString(inferred.branch2().convnext().depths()));
                assertEquals(java.util.Arrays.toString(preset.branch2().convnext().dims()),
                        java.util.Arrays.toString(inferred.branch2().convnext().dims()));
            }
        }
    }

    private static String error(String name, java.util.function.Consumer<ObjectNode> edit) {
        JsonNode c = caseJson(name);
        ObjectNode module = ((ObjectNode) c.get("config_module")).deepCopy();
        edit.accept((ObjectNode) module.get("backbone"));
        return assertThrows(ConfigException.class, () -> read(module, c)).getMessage();
    }

    @Test
    void mistakesNameTheKeyPath() {
        assertEquals("case.json: backbone.branch2.model_type: unknown branch type 'vit' (expected clip_hf or convnext_timm)",
                error("llava_tower_clip_bl", b -> ((ObjectNode) b.get("branch2")).put("model_type", "vit")));
        assertEquals("case.json: backbone.branch1.interaction_indexes[1]: block 9 does not exist (the branch has 4)",
                error("llava_tower_clip_bl", b -> ((ArrayNode) b.get("branch1").get("interaction_indexes")).set(1,
                        new ObjectMapper().createArrayNode().add(2).add(9))));
        assertEquals("case.json: backbone.branch2.downsample_ratios: lists 3 strides for a ConvNeXt of 8 blocks (downsampling layers included)",
                error("llava_tower_mix", b -> ((ObjectNode) b.get("branch2")).set("downsample_ratios",
                        new ObjectMapper().createArrayNode().add(4).add(8).add(8))));
        assertEquals("case.json: backbone.model_cls: unknown tower '3branch' (expected 2branch_v1 or 2branch_mix)",
                error("llava_tower_mix", b -> b.put("model_cls", "3branch")));
    }
}
