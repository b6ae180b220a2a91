package io.piip4j.detector.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.piip4j.config.ConfigReader;
import io.piip4j.detector.MaskRcnn;
import io.piip4j.detector.MaskRcnnConfig;
import io.piip4j.head.ImageMeta;
import io.piip4j.nn.Parameter;
import io.piip4j.nn.RandomWeights;
import io.piip4j.tensor.Tensors;
import io.piip4j.train.AdamW;
import io.piip4j.train.ParamGroups;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/**
 * The Mask R-CNN training forward on the golden case's small model: mmdetection's five named
 * losses, gradients reaching every stage, and the losses falling when one image is fitted.
 */
class MaskRcnnLossesTest {
    private static final Path CASE = Path.of("../shared/golden/maskrcnn_det3_deit_window_b2_c/case.json");

    /** Two objects on a 64 × 96 input: a square (class 3) and a disc (class 1), with their exact masks. */
    private static GroundTruth objects() {
        int h = 64;
        int w = 96;
        byte[] masks = new byte[2 * h * w];
        for (int y = 8; y < 40; y++) {
            for (int x = 10; x < 42; x++) {
                masks[y * w + x] = 1;
            }
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double dx = x + 0.5 - 70;
                double dy = y + 0.5 - 36;
                if (dx * dx + dy * dy <= 15 * 15) {
                    masks[h * w + y * w + x] = 1;
                }
            }
        }
        return new GroundTruth(new float[] {10, 8, 42, 40, 55, 21, 85, 51}, new int[] {3, 1}, masks, h, w);
    }

    @Test
    void namedLossesGradientsAndFittingOneImage() {
        try (MaskRcnn model = new MaskRcnn(ConfigReader.read(CASE), MaskRcnnConfig.read(CASE))) {
            RandomWeights.fill(model, 11);
            List<String> names = new ArrayList<>();
            List<Parameter> params = new ArrayList<>();
            for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
                e.getValue().get().set_requires_grad(true);
                names.add(e.getKey());
                params.add(e.getValue());
            }
            model.train(true);
            torch.manual_seed(5);
            Tensor image = torch.randn(1, 3, 64, 96);
            List<ImageMeta> metas = List.of(new ImageMeta(64, 96, 64, 96, 64, 96, new float[] {1, 1, 1, 1}));
            List<GroundTruth> gts = List.of(objects());
            MaskRcnnLosses training = new MaskRcnnLosses(model, MaskRcnnTrainConfig.released(), 0);
            try (AdamW opt = new AdamW(List.of(new ParamGroups.Group("all", names, params, 1.0, 0.0)), 0.9, 0.999, 1e-8)) {
                opt.setLearningRate(2e-3);
                double first = 0;
                double last = 0;
                for (int step = 0; step < 8; step++) {
                    Map<String, Tensor> losses = training.losses(image, metas, gts);
                    assertEquals(List.of("loss_rpn_cls", "loss_rpn_bbox", "loss_cls", "loss_bbox", "loss_mask"), List.copyOf(losses.keySet()));
                    Tensor total = null;
                    for (Tensor l : losses.values()) {
                        assertEquals(0, l.dim(), "each loss is a scalar");
                        total = total == null ? l : total.add(l);
                    }
                    double value = total.item_double();
                    assertTrue(Double.isFinite(value));
                    total.backward();
                    if (step == 0) {
                        first = value;
                        // at the start the classifiers are near chance: log 2 per anchor, log 81 per RoI
                        assertEquals(Math.log(2), losses.get("loss_rpn_cls").item_double(), 0.05);
                        assertEquals(Math.log(81), losses.get("loss_cls").item_double(), 0.1);
                        assertEquals(Math.log(2), losses.get("loss_mask").item_double(), 0.05);
                        for (String stage : List.of("backbone.", "neck.", "rpn_head.", "roi_head.bbox_head.", "roi_head.mask_head.")) {
                            assertTrue(gradientReaches(model, stage), "a gradient reaches " + stage);
                        }
                    }
                    last = value;
                    opt.step();
                    opt.zeroGrad();
                }
                assertTrue(last < 0.5 * first, "fitting one image: total loss " + first + " -> " + last);
            }
        }
    }

    private static boolean gradientReaches(MaskRcnn model, String prefix) {
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                Tensor g = e.getValue().get().grad();
                if (g.defined() && Tensors.toFloats(g.abs().sum())[0] > 0) {
                    return true;
                }
            }
        }
        return false;
    }
}
