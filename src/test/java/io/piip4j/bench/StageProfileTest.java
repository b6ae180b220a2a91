package io.piip4j.bench;

import io.piip4j.nn.RandomWeights;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.piip4j.backbone.PiipNetwork;
import io.piip4j.config.ConfigReader;
import io.piip4j.config.PiipConfig;
import io.piip4j.tensor.Inference;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/** The stage profile of a tiny three-branch network: the stages bench --profile prints, nested, and no hooks once closed. */
class StageProfileTest {
    private static final Path TINY = Path.of("src/test/resources/io/piip4j/examples/piip-tiny-cls.json");

    @Test
    void timesEveryStageOfAForward() throws Exception {
        PiipConfig cfg = ConfigReader.read(TINY);
        try (PiipNetwork net = PiipNetwork.build(cfg)) {
            RandomWeights.fill(net, 0);
            Map<String, Long> stages;
            StageProfile profile = StageProfile.install(net);
            try (profile) {
                forward(net, cfg);
                profile.start();
                forward(net, cfg);
                stages = profile.stop();
            }
            List<String> want = List.of("branch1.embed", "branch2.embed", "branch3.embed", "branch1.blocks",
                    "branch2.blocks", "branch3.blocks", "interactions", "interactions/norms", "interactions/deform",
                    "interactions/deform/value_proj", "interactions/deform/offset_linear",
                    "interactions/deform/weight_linear", "interactions/deform/sampling",
                    "interactions/deform/output_proj", "interactions/residual", "interactions/ffn");
            assertEquals(Set.copyOf(want), stages.keySet(), "stages " + stages.keySet());
            stages.values().forEach(v -> assertTrue(v > 0));
            // a whole takes at least as long as its parts
            long parts = stages.entrySet().stream().filter(e -> e.getKey().matches("interactions/[a-z_]+"))
                    .mapToLong(Map.Entry::getValue).sum();
            assertTrue(stages.get("interactions") >= parts);
            assertEquals(want, Benchmark.nestedOrder(want));
            // closed: its hooks are gone, so a forward adds nothing
            profile.start();
            forward(net, cfg);
            assertTrue(profile.stop().isEmpty(), "hooks left behind");
        }
    }

    private static void forward(PiipNetwork net, PiipConfig cfg) {
        int size = cfg.branches().get(cfg.numBranches() - 1).imgSize();
        Inference.run(() -> net.forwardOutputs(torch.randn(1, 3, size, size)).get(0).sum().item_float());
    }
}
