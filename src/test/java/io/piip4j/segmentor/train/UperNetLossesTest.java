package io.piip4j.segmentor.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.piip4j.config.JsonSyntax;
import io.piip4j.nn.Parameter;
import io.piip4j.segmentor.UperNet;
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
 * UperNet's training losses: mmseg's cross-entropy averaging by hand, chance level on a fresh
 * model, gradients reaching every part, and the loss falling when one batch is fitted.
 */
class UperNetLossesTest {
    private static final Path CONFIG = Path.of("recipes/shapes/piip-upernet-tiny.json");

    @Test
    void crossEntropyAveragesOverEveryPixelIgnoredOnesIncluded() {
        // two pixels, two classes: pixel 0 labelled 0 with logits (2, 0), pixel 1 ignored
        Tensor logits = Tensors.fromFloats(new float[] {2, 5, 0, -1}, 1, 2, 1, 2);
        Tensor labels = Tensors.fromInts(new int[] {0, 255}, 1, 1, 2).to(torch.ScalarType.Long);
        double ce = Math.log(1 + Math.exp(-2));
        double byAll = UperNetLosses.crossEntropy(logits, labels, new UperNetLosses.HeadLoss(0.4, false, null), 255).item_double();
        assertEquals(0.4 * ce / 2, byAll, 1e-6, "avg_non_ignore=False: the ignored pixel counts in the mean");
        double byLabelled = UperNetLosses.crossEntropy(logits, labels, new UperNetLosses.HeadLoss(0.4, true, null), 255).item_double();
        assertEquals(0.4 * ce, byLabelled, 1e-6, "avg_non_ignore=True: the mean over labelled pixels");
    }

    @Test
    void classWeightsScaleEachPixelByItsLabelsWeightThenTheMeanIsOverPixels() {
        // three pixels: labels 0, 1, ignored; logits (2, 0), (0, 1), (5, 5)
        Tensor logits = Tensors.fromFloats(new float[] {2, 0, 5, 0, 1, 5}, 1, 2, 1, 3);
        Tensor labels = Tensors.fromInts(new int[] {0, 1, 255}, 1, 1, 3).to(torch.ScalarType.Long);
        double ce0 = Math.log(1 + Math.exp(-2));
        double ce1 = Math.log(1 + Math.exp(-1));
        double v = UperNetLosses.crossEntropy(logits, labels, new UperNetLosses.HeadLoss(1, false, new double[] {0.25, 2}), 255)
                .item_double();
        assertEquals((0.25 * ce0 + 2 * ce1) / 3, v, 1e-6, "mmseg: weighted per-pixel losses, mean over all pixels");
        double w = UperNetLosses.crossEntropy(logits, labels, new UperNetLosses.HeadLoss(1, true, new double[] {0.25, 2}), 255)
                .item_double();
        assertEquals((0.25 * ce0 + 2 * ce1) / 2, w, 1e-6, "avg_non_ignore: divided by the labelled pixels' count, not the weights");
    }

    @Test
    void aClassWeightPerClassIsRequired() throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode root = (com.fasterxml.jackson.databind.node.ObjectNode) JsonSyntax.readFile(CONFIG);
        ((com.fasterxml.jackson.databind.node.ObjectNode) root.get("model").get("decode_head").get("loss_decode"))
                .putArray("class_weight").add(1).add(2);
        try (UperNet model = UperNet.create(root, "tiny.json")) {
            io.piip4j.config.ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(io.piip4j.config.ConfigException.class,
                    () -> UperNetLosses.of(model, root.get("model")));
            assertTrue(e.getMessage().contains("decode_head.loss_decode.class_weight") && e.getMessage().contains("2 weights for 5 classes"),
                    e.getMessage());
        }
    }

    @Test
    void logitsAreResizedToTheLabelsBeforeTheLoss() {
        // constant logits per class stay constant under bilinear resizing: every pixel's loss is the same
        Tensor logits = Tensors.fromFloats(new float[] {1, 1, 1, 1, 0, 0, 0, 0}, 1, 2, 2, 2);
        Tensor labels = torch.ones(new long[] {1, 8, 8}, new org.bytedeco.pytorch.TensorOptions(torch.ScalarType.Long));
        double v = UperNetLosses.crossEntropy(logits, labels, new UperNetLosses.HeadLoss(1, false, null), 255).item_double();
        assertEquals(Math.log(1 + Math.E), v, 1e-6);
    }

    @Test
    void aFreshModelIsAtChanceLearnsAndEveryPartGetsAGradient() {
        JsonNode root = JsonSyntax.readFile(CONFIG);
        try (UperNet model = UperNet.create(root, "piip-upernet-tiny.json")) {
            SegmentorInit.initialize(model, 1);
            UperNetLosses losses = UperNetLosses.of(model, root.get("model"));
            torch.manual_seed(0);
            Tensor images = torch.randn(2, 3, 256, 256);
            // a learnable target: class 3 where a smoothed first channel is positive, else 0
            Tensor smooth = torch.avg_pool2d(images.narrow(1, 0, 1), new long[] {16, 16});
            Tensor labels = io.piip4j.tensor.F.interpolateBilinear(smooth, 256, 256).squeeze(1).gt(new org.bytedeco.pytorch.Scalar(0))
                    .to(torch.ScalarType.Long).mul(new org.bytedeco.pytorch.Scalar(3));
            model.train(true);
            List<Parameter> params = new ArrayList<>();
            for (Parameter p : model.namedParameters().values()) {
                if (!p.isBuffer()) {
                    p.get().set_requires_grad(true);
                    params.add(p);
                }
            }
            Map<String, Tensor> first = losses.losses(images, labels);
            assertEquals(List.of("decode.loss_ce", "aux.loss_ce"), List.copyOf(first.keySet()));
            double ln5 = Math.log(5);
            assertEquals(ln5, first.get("decode.loss_ce").item_double(), 0.15, "decode head at chance");
            assertEquals(0.4 * ln5, first.get("aux.loss_ce").item_double(), 0.06, "auxiliary head at chance, weight 0.4");
            Tensor total = first.get("decode.loss_ce").add(first.get("aux.loss_ce"));
            total.backward();
            for (String part : List.of("backbone.branch1.", "backbone.branch2.", "backbone.interactions.", "decode_head.psp_modules.",
                    "decode_head.fpn_bottleneck.", "decode_head.conv_seg.", "auxiliary_head.convs.", "auxiliary_head.conv_seg.")) {
                double g = 0;
                for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
                    if (e.getKey().startsWith(part) && !e.getValue().isBuffer() && e.getValue().get().grad().defined()) {
                        g += e.getValue().get().grad().abs().sum().item_double();
                    }
                }
                assertTrue(g > 0, "no gradient reaches " + part);
            }
            double start = total.item_double();
            List<ParamGroups.Group> groups = List.of(new ParamGroups.Group("all", List.of(), params, 1.0, 0.0));
            double last = start;
            try (AdamW opt = new AdamW(groups, 0.9, 0.999, 1e-8)) {
                opt.setLearningRate(1e-2);
                for (int i = 0; i < 12; i++) {
                    opt.zeroGrad();
                    Map<String, Tensor> l = losses.losses(images, labels);
                    Tensor t = l.get("decode.loss_ce").add(l.get("aux.loss_ce"));
                    t.backward();
                    opt.step();
                    last = t.item_double();
                }
            }
            assertTrue(last < 0.9 * start, "loss " + start + " -> " + last);
        }
    }
}
