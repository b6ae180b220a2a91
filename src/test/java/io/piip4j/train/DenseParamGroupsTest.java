package io.piip4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.config.ConfigException;
import io.piip4j.config.JsonPath;
import io.piip4j.config.JsonSyntax;
import io.piip4j.segmentor.UperNet;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** PIIP's layer-decay parameter groups for detectors and segmentors, worked by hand. */
class DenseParamGroupsTest {
    private static final double[] SKIP = {1.5, 2};

    @Test
    void layerIdsFollowTheReference() {
        int max = 12 + 2;
        assertEquals(0, DenseParamGroups.layerId("backbone.branch1.pos_embed", max, SKIP));
        assertEquals(0, DenseParamGroups.layerId("backbone.branch2.patch_embed.proj.weight", max, SKIP));
        assertEquals(0, DenseParamGroups.layerId("backbone.pos_embed", max, SKIP));
        assertEquals(4, DenseParamGroups.layerId("backbone.branch1.blocks.3.attn.qkv.weight", max, SKIP));
        assertEquals(6, DenseParamGroups.layerId("backbone.branch2.blocks.3.mlp.fc1.bias", max, SKIP), 1e-12, "(3 + 1) · 1.5");
        assertEquals(2, DenseParamGroups.layerId("backbone.branch3.blocks.0.norm1.weight", max, SKIP), 1e-12, "(0 + 1) · 2");
        assertEquals(3, DenseParamGroups.layerId("backbone.blocks.2.attn.proj.weight", max, SKIP), "a single-branch baseline");
        for (String other : List.of("backbone.interactions.0.interaction_units_12.branch2to1_injector.ca_gamma",
                "backbone.branch1.norm.weight", "backbone.merge_branch1.0.weight", "neck.fpn_convs.0.conv.weight",
                "decode_head.conv_seg.weight")) {
            assertEquals(13, DenseParamGroups.layerId(other, max, SKIP), other);
        }
        assertThrows(IllegalArgumentException.class, () -> DenseParamGroups.layerId("backbone.branch3.blocks.0.x", max, new double[] {1}));
    }

    @Test
    void groupsScaleByDepthAndShareTruncatedNames() {
        try (UperNet model = UperNet.create(JsonSyntax.readFile(Path.of("recipes/shapes/piip-upernet-tiny.json")), "tiny")) {
            // two blocks per branch; num_layers 2 → ids 0…3, scale 0.5^(3 − id)
            List<ParamGroups.Group> groups = DenseParamGroups.build(model.namedParameters(), 0.05,
                    new DenseParamGroups.LayerDecay(2, 0.5, new double[] {1.5}));
            Map<String, ParamGroups.Group> byName = new java.util.HashMap<>();
            groups.forEach(g -> byName.put(g.name(), g));
            assertEquals(0.125, byName.get("layer_0_decay").lrScale(), 1e-12);
            assertEquals(0.25, byName.get("layer_1_decay").lrScale(), 1e-12);
            assertEquals(1.0, byName.get("layer_3_decay").lrScale(), 1e-12);
            assertEquals(0.0, byName.get("layer_3_no_decay").weightDecay());
            // branch2's block 0 has id 1.5: it joins branch1's layer_1 group at that group's scale
            assertTrue(byName.get("layer_1_decay").names().contains("backbone.branch2.blocks.0.attn.qkv.weight"));
            // branch2's block 1 has id 3: full rate, like the heads
            assertTrue(byName.get("layer_3_decay").names().contains("backbone.branch2.blocks.1.attn.qkv.weight"));
            // under the reference's constructor position embeddings take weight decay; biases and 1-D tensors do not
            assertTrue(byName.get("layer_0_decay").names().contains("backbone.branch1.pos_embed"));
            assertTrue(byName.get("layer_3_no_decay").names().contains("decode_head.conv_seg.bias"));
            long total = groups.stream().mapToLong(g -> g.names().size()).sum();
            long trainable = model.namedParameters().values().stream().filter(p -> !p.isBuffer()).count();
            assertEquals(trainable, total, "every trainable parameter in exactly one group, no buffers");
        }
    }

    @Test
    void withoutParamwiseCfgTwoGroups() {
        try (UperNet model = UperNet.create(JsonSyntax.readFile(Path.of("recipes/shapes/piip-upernet-tiny.json")), "tiny")) {
            List<ParamGroups.Group> groups = DenseParamGroups.build(model.namedParameters(), 0.05, null);
            assertEquals(List.of("decay", "no_decay"), groups.stream().map(ParamGroups.Group::name).toList());
            assertTrue(groups.get(1).names().contains("backbone.branch1.pos_embed"));
        }
    }

    @Test
    void theRecipeKeyIsRead() throws Exception {
        JsonPath doc = JsonPath.object(new ObjectMapper().readTree(
                "{\"optim\": {\"paramwise_cfg\": {\"num_layers\": 12, \"layer_decay_rate\": 0.85, \"skip_stride\": [1, 1]}}}"), "");
        TrainSchedule s = TrainSchedule.read(doc, 1e-4, 12);
        assertEquals(12, s.layerDecay().numLayers());
        assertEquals(0.85, s.layerDecay().rate());
        ConfigException e = assertThrows(ConfigException.class, () -> TrainSchedule.read(JsonPath.object(new ObjectMapper().readTree(
                "{\"optim\": {\"paramwise_cfg\": {\"num_layers\": 12, \"layer_decay_rate\": 1.5}}}"), ""), 1e-4, 12));
        assertTrue(e.getMessage().contains("optim.paramwise_cfg.layer_decay_rate"), e.getMessage());
    }
}
