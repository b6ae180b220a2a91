package io.piip4j.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.backbone.branch.Branch;
import io.piip4j.backbone.interaction.DeformInputs;
import io.piip4j.backbone.PiipClassifier;
import io.piip4j.backbone.Pyramid;
import io.piip4j.cli.Main;
import io.piip4j.config.ConfigReader;
import io.piip4j.config.PiipConfig;
import io.piip4j.tensor.Inference;
import io.piip4j.tensor.Tensors;
import io.piip4j.testing.Close;
import io.piip4j.train.TrainCheckpoint;
import io.piip4j.train.VitClassifier;
import io.piip4j.tensor.NdArray;
import io.piip4j.weights.PthReader;
import io.piip4j.weights.PthWriter;
import io.piip4j.weights.StateDictLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PIIP branch built by {@code piip init} from a single-branch checkpoint computes exactly that
 * model's features (before any interaction); with the reference's zero-initialised interaction
 * gammas the interactions then leave them unchanged too.
 */
class BranchFromSingleModelTest {
    @TempDir
    Path dir;

    static final String BRANCH1 = "{\"img_size\": 32, \"patch_size\": 16, \"pretrain_img_size\": 32, \"pretrain_patch_size\": 16,"
            + " \"depth\": 2, \"embed_dim\": 64, \"num_heads\": 2, \"mlp_ratio\": 4, \"qkv_bias\": true, \"init_scale\": 1.0,"
            + " \"num_classes\": 4, \"interaction_indexes\": [[0, 0], [1, 1]]}";
    static final String BRANCH2 = "{\"img_size\": 64, \"patch_size\": 16, \"depth\": 2, \"embed_dim\": 32, \"num_heads\": 1,"
            + " \"mlp_ratio\": 4, \"qkv_bias\": true, \"init_scale\": 1.0, \"num_classes\": 4, \"interaction_indexes\": [[0, 0], [1, 1]]}";

    @Test
    void initialisedBranchGivesTheSingleModelsFeatures() throws Exception {
        Inference.setThreads(1);
        ObjectMapper json = new ObjectMapper();
        String piipJson = "{\"n_points\": 2, \"deform_num_heads\": 2, \"with_cffn\": true, \"deform_ratio\": 0.5,"
                + " \"interact_attn_type\": \"deform\", \"separate_head\": true, \"num_classes\": 4,"
                + " \"branch1\": " + BRANCH1 + ", \"branch2\": " + BRANCH2 + "}";
        Path cfgFile = dir.resolve("piip.json");
        Files.writeString(cfgFile, piipJson);
        PiipConfig cfg = ConfigReader.read(cfgFile);

        // a "pretrained" single-branch DeiT: random weights, saved as the releases are ({'model': ...})
        torch.manual_seed(7);
        try (VitClassifier vit = new VitClassifier(cfg.branches().get(0))) {
            vit.initialize();
            Path ckpt = dir.resolve("deit.pth");
            Map<String, Object> wrapped = new LinkedHashMap<>();
            wrapped.put("model", new LinkedHashMap<>(TrainCheckpoint.modelState(vit)));
            PthWriter.write(ckpt, wrapped);

            Path out = dir.resolve("piip.pth");
            assertEquals(0, Main.run("init", "--config", cfgFile.toString(), "--branch1", ckpt.toString(), "--out", out.toString()));

            try (PiipClassifier piip = new PiipClassifier(cfg)) {
                StateDictLoader.load(piip, PthReader.readStateDict(out), true, "piip.pth");
                torch.manual_seed(1);
                Tensor image = torch.randn(2, 3, 32, 32);
                float[] expected = Inference.run(() -> features(vit.branch(), image));
                float[] actual = Inference.run(() -> features(piip.branches().get(0), image));
                assertArrayEquals(expected, actual, "branch1 features = the single model's");
                // through the whole pyramid, every interaction included, branch1 still gives them
                float[] inPyramid = Inference.run(() -> pyramidFeatures(piip, cfg, image));
                double err = Inference.run(() -> Close.maxRelative(Tensors.fromFloats(inPyramid, inPyramid.length),
                        Tensors.fromFloats(expected, expected.length)));
                assertTrue(err <= 1e-6, "branch1 features after the interactions moved by " + err);
                // the reference initialises ca_gamma / cffn_gamma to zero: interactions start as identities
                Map<String, NdArray> sd = PthReader.readStateDict(out);
                sd.forEach((k, v) -> {
                    if (k.endsWith("ca_gamma") || k.endsWith("cffn_gamma")) {
                        for (float f : v.toFloats()) {
                            assertEquals(0f, f, k);
                        }
                    }
                });
                assertTrue(sd.containsKey("branch1.head.weight"));
            }
        }
    }

    /** Branch1's class token and tokens after every block group and interaction, branch2 seeing another image. */
    private static float[] pyramidFeatures(PiipClassifier piip, PiipConfig cfg, Tensor image) {
        List<Tensor> images = List.of(image, torch.randn(2, 3, 64, 64));
        DeformInputs[][] where = Pyramid.deformInputs(cfg, images, new double[] {32.0 / 64});
        Branch.Embedded b1 = piip.pyramid().run(piip.pyramid().embed(images), where).get(0);
        return Tensors.toFloats(io.piip4j.tensor.F.cat(1, b1.cls(), b1.tokens()));
    }

    private static float[] features(Branch b, Tensor image) {
        Branch.Embedded e = b.forwardBlocks(b.embed(image), 0, b.blocks().size() - 1);
        return Tensors.toFloats(io.piip4j.tensor.F.cat(1, e.cls(), e.tokens()));
    }
}
