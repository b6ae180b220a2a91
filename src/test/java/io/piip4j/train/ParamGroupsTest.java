package io.piip4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Layer-wise learning-rate decay and the weight-decay split follow the reference's optimizer constructor. */
class ParamGroupsTest {
    @TempDir
    Path dir;

    @Test
    void layerIdsScalesAndDecay() throws Exception {
        Recipe r = Recipe.read(TinyRecipes.write(dir, TinyRecipes.piip(1, 8), 8, 8));
        try (TrainableClassifier m = r.buildModel()) {
            assertEquals(0, m.layerId("branch1.pos_embed", 2));
            assertEquals(0, m.layerId("branch2.patch_embed.proj.weight", 2));
            assertEquals(2, m.layerId("branch1.blocks.1.attn.qkv.weight", 2));
            assertEquals(2, m.layerId("branch2.blocks.1.mlp.fc1.weight", 2));
            assertEquals(3, m.layerId("interactions.0.interaction_units_12.branch1to2_proj.weight", 2));
            List<ParamGroups.Group> groups = ParamGroups.build(m, 0.05, 0.5);
            for (ParamGroups.Group g : groups) {
                int layer = Integer.parseInt(g.name().split("_")[1]);
                assertEquals(Math.pow(0.5, 3 - layer), g.lrScale(), 1e-12, g.name());
                for (String n : g.names()) {
                    boolean noDecay = n.endsWith(".bias") || n.endsWith("pos_embed") || n.endsWith("cls_token")
                            || n.contains("norm") || n.endsWith("gamma_1") || n.endsWith("gamma_2") || n.endsWith("_gamma");
                    assertEquals(noDecay ? 0.0 : 0.05, g.weightDecay(), n);
                }
            }
            long total = groups.stream().mapToLong(g -> g.names().size()).sum();
            assertEquals(m.module().namedParameters().size(), total);
            assertTrue(groups.size() >= 6);
        }
    }
}
