package io.piip4j.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.piip4j.backbone.PiipDenseBackbone;
import io.piip4j.config.ConfigReader;
import io.piip4j.config.PiipConfig;
import io.piip4j.nn.Parameter;
import io.piip4j.tensor.NdArray;
import io.piip4j.tensor.Tensors;
import io.piip4j.testing.Golden;
import io.piip4j.weights.CheckpointException;
import io.piip4j.weights.PthReader;
import io.piip4j.weights.PthWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code piip init} for the dense backbones: a fresh model of every v2 golden configuration is
 * initialised parameter by parameter (no parameter without a rule), and branches load from
 * single-branch checkpoints by their kind's loader: a Hugging Face ConvNeXt (with or without the
 * {@code convnext.} prefix of a classification checkpoint; its classifier is reported unexpected;
 * a different ConvNeXt refused), a Uni-Perceiver by name. The checkpoints are made from the golden
 * cases' branch weights, so a loaded branch must equal them exactly.
 */
class DenseBranchInitTest {
    @TempDir
    Path tmp;

    private static PiipConfig config(String name) {
        return ConfigReader.read(Golden.require().resolve(name).resolve("case.json"));
    }

    /** The golden branch's weights, under {@code prefix} instead of {@code branchN.}. */
    private static Map<String, NdArray> branchWeights(String name, String branch, String prefix) {
        Map<String, NdArray> all = PthReader.readStateDict(Golden.require().resolve(name).resolve("weights.pth"));
        Map<String, NdArray> out = new LinkedHashMap<>();
        all.forEach((k, v) -> {
            if (k.startsWith(branch + ".")) {
                out.put(prefix + k.substring(branch.length() + 1), v);
            }
        });
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"det3_beit_window_c", "det3_uniperceiver_window_c", "det3_vit_convnext_vit_regfpn_c",
        "det3_convnext_tsb_regfpn_c"})
    void everyParameterHasItsReferenceInitialisation(String name) {
        try (PiipDenseBackbone model = new PiipDenseBackbone(config(name))) {
            torch.manual_seed(0);
            ReferenceInit.initialize(model);
            for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
                assertTrue(e.getValue().isSet(), e.getKey());
                assertTrue(torch.isfinite(e.getValue().get()).all().item_bool(), e.getKey());
            }
            // a few of the rules: layer scales, branch weights, zero-initialised biases and tables
            Map<String, Parameter> p = model.namedParameters();
            if (name.contains("beit")) {
                assertEquals(1e-6, first(p, "branch1.blocks.0.gamma_1"), 1e-12);
                assertEquals(0, first(p, "branch1.blocks.0.attn.q_bias"));
                assertEquals(0, first(p, "branch1.blocks.0.attn.relative_position_bias_table"));
            } else if (name.contains("uniperceiver")) {
                assertEquals(0, first(p, "branch1.layers.0.gamma_1"));
            } else {
                String ls = p.keySet().stream().filter(k -> k.endsWith("layer_scale_parameter")).findFirst().orElseThrow();
                assertEquals(1e-6, first(p, ls), 1e-12);
                assertEquals(1, first(p, "intermediate_merging_0_w2"));
            }
            assertEquals(1, first(p, "w1"));
        }
    }

    private static float first(Map<String, Parameter> p, String key) {
        return Tensors.toFloats(p.get(key).get().flatten(0, -1).narrow(0, 0, 1))[0];
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void convNextBranchLoadsHuggingFaceWeights(boolean classificationCheckpoint) {
        String name = "det3_convnext_tsb_regfpn_c";
        Map<String, NdArray> hf = branchWeights(name, "branch2.convnext_model", classificationCheckpoint ? "convnext." : "");
        if (classificationCheckpoint) {
            hf.put("classifier.weight", NdArray.ofFloats(new float[64 * 10], 10, 64));
        }
        Path ck = tmp.resolve("convnext.pth");
        PthWriter.write(ck, hf);
        try (PiipDenseBackbone model = new PiipDenseBackbone(config(name))) {
            List<Path> cks = new ArrayList<>(Arrays.asList(null, ck));
            List<BranchInitReport> reports = PiipInitializer.initialize(model, cks, 0);
            BranchInitReport r = reports.get(0);
            assertEquals(LoaderPath.CONVNEXT_HF, r.path());
            assertEquals(hf.size() - (classificationCheckpoint ? 1 : 0), r.keysWith("copied").size(), r.summary());
            assertEquals(classificationCheckpoint ? List.of("classifier.weight") : List.of(), r.keysWith("unexpected"));
            assertEquals(List.of(), r.keysWith("missing"), r.summary());
            Map<String, NdArray> golden = branchWeights(name, "branch2", "branch2.");
            Map<String, Parameter> params = model.namedParameters();
            golden.forEach((k, v) -> assertArrayEquals(v.toFloats(), Tensors.toFloats(params.get(k).get()), k));
        }
    }

    @Test
    void aDifferentConvNextIsRefused() {
        // branch1 of the case is a ConvNeXt-B-shaped model, branch2 S-shaped: B's stage-2 width differs
        String name = "det3_convnext_tsb_regfpn_c";
        Path ck = tmp.resolve("other.pth");
        PthWriter.write(ck, branchWeights(name, "branch1.convnext_model", ""));
        try (PiipDenseBackbone model = new PiipDenseBackbone(config(name))) {
            CheckpointException e = assertThrows(CheckpointException.class,
                    () -> PiipInitializer.initialize(model, Arrays.asList(null, ck), 0));
            assertTrue(e.getMessage().startsWith("other.pth: ") && e.getMessage().contains("size mismatch"), e.getMessage());
        }
    }

    @Test
    void uniPerceiverBranchLoadsByName() {
        String name = "det3_uniperceiver_window_c";
        Map<String, NdArray> sd = branchWeights(name, "branch2", "");
        Path ck = tmp.resolve("uniperceiver.pth");
        PthWriter.write(ck, sd);
        try (PiipDenseBackbone model = new PiipDenseBackbone(config(name))) {
            BranchInitReport r = PiipInitializer.initialize(model, Arrays.asList(null, ck), 0).get(0);
            assertEquals(LoaderPath.UNIPERCEIVER_DET, r.path());
            assertEquals(sd.size(), r.keysWith("copied").size(), r.summary());
            Map<String, Parameter> params = model.namedParameters();
            sd.forEach((k, v) -> assertArrayEquals(v.toFloats(), Tensors.toFloats(params.get("branch2." + k).get()), k));
        }
    }
}
