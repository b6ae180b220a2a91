package io.piip4j.backbone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.backbone.branch.Branch;
import io.piip4j.config.ConfigReader;
import io.piip4j.config.PiipConfig;
import io.piip4j.nn.RandomWeights;
import io.piip4j.tensor.F;
import io.piip4j.tensor.Inference;
import io.piip4j.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/**
 * The single-branch baselines on tiny configurations: their pyramids have the reference's strides
 * and widths, and agree with the branch run block by block as PIIP runs it (the ViT's identity
 * level is its last block's map, its coarsest the max-pool of it; the ConvNeXt's last stage is
 * the branch's units run one by one on tokens).
 */
class BaselineBackboneTest {

    private static PiipConfig parse(String json) throws Exception {
        return ConfigReader.parse(new ObjectMapper().readTree(json));
    }

    private static final String CONVNEXT_SHAPES = "\"convnext_configs\": {\"tiny-convnext\": {\"depths\": [1, 1, 2, 1], "
            + "\"hidden_sizes\": [32, 32, 64, 64], \"patch_size\": 4, \"layer_scale_init_value\": 1e-6}}";

    private static List<float[]> run(DenseBackbone model, Tensor image, List<Integer> strides, List<long[]> shapes) {
        return Inference.run(() -> {
            List<float[]> out = new ArrayList<>();
            for (FeaturePyramid.Level l : model.forwardFeatures(image).levels()) {
                strides.add(l.stride());
                shapes.add(Tensors.shape(l.map()));
                out.add(Tensors.toFloats(l.map().contiguous()));
            }
            return out;
        });
    }

    @Test
    void vitBaselineLevelsComeFromItsLastBlock() throws Exception {
        PiipConfig cfg = parse("{\"type\": \"vit_models\", \"pretrain_img_size\": 64, \"patch_size\": 16, \"embed_dim\": 32, "
                + "\"depth\": 2, \"num_heads\": 1, \"qkv_bias\": true, \"with_fpn\": true, \"out_indices\": [1], "
                + "\"window_attn\": [true, false], \"window_size\": [2, -1], \"use_flash_attn\": true, \"pretrained\": \"deit\"}");
        try (BaselineBackbone model = (BaselineBackbone) PiipNetwork.build(cfg)) {
            RandomWeights.fill(model, 0);
            Tensor image = torch.randn(1, 3, 80, 96);
            List<Integer> strides = new ArrayList<>();
            List<long[]> shapes = new ArrayList<>();
            List<float[]> levels = run(model, image, strides, shapes);
            assertEquals(List.of(4, 8, 16, 32), strides);
            assertArrayEquals(new long[] {1, 32, 20, 24}, shapes.get(0));
            assertArrayEquals(new long[] {1, 32, 2, 3}, shapes.get(3));
            Branch b = model.branch();
            List<float[]> direct = Inference.run(() -> {
                Branch.Embedded e = b.forwardBlocks(b.embed(image), 0, 1);
                Tensor map = e.tokens().transpose(1, 2).reshape(1, 32, e.h(), e.w());
                return List.of(Tensors.toFloats(map.contiguous()), Tensors.toFloats(F.maxPool2d(map, 2, 2).contiguous()));
            });
            assertArrayEquals(direct.get(0), levels.get(2), 0f);
            assertArrayEquals(direct.get(1), levels.get(3), 0f);
        }
    }

    @Test
    void convNextBaselineStagesMatchTheBranchRunUnitByUnit() throws Exception {
        PiipConfig cfg = parse("{\"config\": {\"type\": \"ConvNextHFWrapper\", \"real_size\": 64, \"with_simple_fpn\": false, "
                + "\"pretrained\": \"tiny-convnext\", \"single_branch\": true}, " + CONVNEXT_SHAPES + "}");
        try (BaselineBackbone model = (BaselineBackbone) PiipNetwork.build(cfg)) {
            RandomWeights.fill(model, 0);
            Tensor image = torch.randn(1, 3, 64, 96);
            List<Integer> strides = new ArrayList<>();
            List<long[]> shapes = new ArrayList<>();
            List<float[]> levels = run(model, image, strides, shapes);
            assertEquals(List.of(4, 8, 16, 32), strides);
            assertArrayEquals(new long[] {1, 32, 16, 24}, shapes.get(0));
            assertArrayEquals(new long[] {1, 64, 2, 3}, shapes.get(3));
            Branch b = model.branch();
            float[] unitByUnit = Inference.run(() -> {
                Branch.Embedded e = b.forwardBlocks(b.embed(image), 0, b.blocks().size() - 1);
                return Tensors.toFloats(e.tokens().transpose(1, 2).reshape(1, 64, e.h(), e.w()).contiguous());
            });
            assertArrayEquals(unitByUnit, levels.get(3), 0f);
        }
    }

    @Test
    void convNextBaselineSimpleFpnUpsamplesItsLastStage() throws Exception {
        PiipConfig cfg = parse("{\"config\": {\"type\": \"ConvNextHFWrapper\", \"real_size\": 64, \"with_simple_fpn\": true, "
                + "\"pretrained\": \"tiny-convnext\", \"single_branch\": true}, " + CONVNEXT_SHAPES + "}");
        try (BaselineBackbone model = (BaselineBackbone) PiipNetwork.build(cfg)) {
            RandomWeights.fill(model, 0);
            List<Integer> strides = new ArrayList<>();
            List<long[]> shapes = new ArrayList<>();
            run(model, torch.randn(1, 3, 64, 64), strides, shapes);
            assertEquals(List.of(4, 8, 16, 32), strides);
            for (int i = 0; i < 4; i++) {
                assertArrayEquals(new long[] {1, 64, 16 >> i, 16 >> i}, shapes.get(i), "level " + i);
            }
        }
    }
}
