package io.piip4j.backbone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.piip4j.config.BranchConfig;
import io.piip4j.config.ConfigException;
import io.piip4j.config.ConfigReader;
import io.piip4j.config.PiipConfig;
import io.piip4j.nn.RandomWeights;
import io.piip4j.tensor.Inference;
import io.piip4j.tensor.Tensors;
import io.piip4j.testing.Golden;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Released detection configurations ({@code ../shared/reference/configs/detection}) build with
 * random weights and run a forward at a small input. By default a representative subset of the
 * smaller ones (the ~550M-parameter models take 45–90 s each on the shared 2-core builder):
 * ConvNeXt-only regular FPN (identity FPN), ViT→ConvNeXt and ConvNeXt→ViT mixes, and the ViT-B
 * and ConvNeXt-B baselines; with {@code -Dpiip.test.allReleasedConfigs=true} every config whose
 * weights fit (BEiT, Uni-Perceiver, DeiT, AugReg, MAE, DINOv2, DINO, 4-branch…). The BEiT and
 * Uni-Perceiver kinds are checked against the reference by the golden cases. The InternViT-6B
 * configurations are refused before allocating, with their memory estimate.
 */
class ReleasedDetectionForwardTest {

    /** Property that also runs every released detection config whose weights fit (about 20 minutes on 2 cores). */
    static final String ALL = "piip.test.allReleasedConfigs";

    static Stream<String> representative() {
        if (Golden.root().isEmpty()) {
            return Stream.of(Golden.ABSENT);
        }
        return Stream.of(
                "convnext__mask_rcnn_convnext-tsb_1024_672_448_regular-fpn",
                "convnext__mask_rcnn_vit-t_convnext-s_convnext-b_1024_672_448_regular-fpn",
                "convnext__mask_rcnn_convnext-t_vit-s_vit-b_1024_672_448_regular-fpn",
                "baseline__mask_rcnn_deit_vit_b_fpn_1x_coco_bs16",
                "baseline__mask_rcnn_convnext-base_1024_regular-fpn");
    }

    /** Every released detection config but the 6B-scale ones. */
    static Stream<String> allThatFit() throws java.io.IOException {
        if (Golden.root().isEmpty()) {
            return Stream.of(Golden.ABSENT);
        }
        Path dir = Golden.require().resolveSibling("reference").resolve("configs").resolve("detection");
        List<String> six = sixBillion().toList();
        try (Stream<Path> files = java.nio.file.Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".json"))
                    .map(f -> f.substring(0, f.length() - 5)).filter(f -> !six.contains(f)).sorted().toList().stream();
        }
    }

    static Stream<String> sixBillion() {
        if (Golden.root().isEmpty()) {
            return Stream.of(Golden.ABSENT);
        }
        return Stream.of(
                "2branch__dino_4scale_internvit_h6b_1024_768_fpn_1x_coco_bs32_ms",
                "2branch__mask_rcnn_internvit_h6b_1024_512_fpn_1x_coco_bs16_ms",
                "3branch__dino_4scale_internvit_lh6b_1536_1024_512_fpn_2x_coco_bs32_ms",
                "3branch__mask_rcnn_internvit_lh6b_1536_1024_512_fpn_1x_coco_bs32_ms",
                "baseline__mask_rcnn_internvit_6b_fpn_1x_coco_bs16_ms");
    }

    private static PiipConfig read(String name) {
        Path file = Golden.require().resolveSibling("reference").resolve("configs").resolve("detection").resolve(name + ".json");
        return ConfigReader.read(file);
    }

    /** The smallest input (a multiple of 32) that gives the lowest-resolution branch at least 64 pixels. */
    static int smallInput(PiipConfig cfg) {
        List<BranchConfig> b = cfg.branches();
        double ratio = (double) b.get(b.size() - 1).imgSize() / b.get(0).imgSize();
        return (int) Math.ceil(64 * ratio / 32) * 32;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("representative")
    void runsAtASmallInputWithRandomWeights(String name) {
        runSmall(name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allThatFit")
    @EnabledIfSystemProperty(named = ALL, matches = "true")
    void everyConfigThatFitsRuns(String name) {
        runSmall(name);
    }

    private static void runSmall(String name) {
        PiipConfig cfg = read(name);
        int size = smallInput(cfg);
        try (DenseBackbone model = (DenseBackbone) PiipNetwork.build(cfg)) {
            RandomWeights.fill(model, 0);
            List<long[]> shapes = new ArrayList<>();
            List<Integer> strides = new ArrayList<>();
            Inference.run(() -> {
                Tensor image = torch.randn(1, 3, size, size);
                FeaturePyramid p = model.forwardFeatures(image);
                for (FeaturePyramid.Level level : p.levels()) {
                    Tensor m = level.map();
                    assertTrue(torch.isfinite(m).all().item_bool(), name + ": non-finite output at stride " + level.stride());
                    shapes.add(Tensors.shape(m));
                    strides.add(level.stride());
                }
                return null;
            });
            assertEquals(cfg.dense().isDino() ? List.of(8, 16, 32) : List.of(4, 8, 16, 32), strides, name + " strides");
            for (int i = 0; i < shapes.size(); i++) {
                long[] s = shapes.get(i);
                assertEquals(size / strides.get(i), s[2], name + " level " + i + " height");
                assertEquals(size / strides.get(i), s[3], name + " level " + i + " width");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sixBillion")
    void sixBillionModelsAreRefusedWithTheirEstimate(String name) {
        PiipConfig cfg = read(name);
        long n;
        try (PiipNetwork shapes = PiipNetwork.structure(cfg)) {
            n = shapes.numParameters();
        }
        assertTrue(n > 5_000_000_000L, name + ": " + n);
        // on a 24 GB machine: refused, float32 and bfloat16 estimates in one line
        ConfigException e = assertThrows(ConfigException.class, () -> WeightMemory.check(cfg, n, 24_000_000_000L));
        String m = e.getMessage();
        assertTrue(!m.contains("\n") && m.contains(String.format(java.util.Locale.ROOT, "%.1f GB of memory in float32", 4 * n / 1e9))
                && m.contains(String.format(java.util.Locale.ROOT, "bfloat16 they would need about %.1f GB (would fit)", 2 * n / 1e9)), m);
        if (4 * n > WeightMemory.availableBytes()) {
            assertThrows(ConfigException.class, () -> PiipNetwork.build(cfg)); // before allocating anything
        }
    }
}
