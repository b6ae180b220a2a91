package io.piip4j.count;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.piip4j.detector.DinoConfig;
import io.piip4j.detector.MaskRcnnConfig;
import io.piip4j.head.dino.TransformerSpec;
import io.piip4j.testing.Golden;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whole task models: the parts after the backbone add exactly the parameters the official build
 * counted ({@code num_parameters} of the whole-model golden cases), the backbone's output maps the
 * heads are priced on are those the reference produced, and the head formulas agree with hand
 * computations.
 */
class WholeModelCostTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({"maskrcnn_det3_deit_window_b2_c, Mask R-CNN, 792931", "dino_det3_deit_window_b2_c, DINO, 1012623",
        "upernet_seg2_intern_whole_b2_c, UperNet, 667358", "upernet_seg2_intern_slide_b1_c, UperNet, 667358"})
    void wholeModelParametersEqualTheOfficialCount(String name, String kind, long expected) {
        Path dir = Golden.file(name);
        WholeModelCost w = WholeModelCost.of(Golden.caseJson(dir), name, null);
        assertNull(w.unavailable());
        assertEquals(kind, w.kind());
        assertEquals(expected, Golden.numParameters(dir), "case.json's figure");
        assertEquals(expected, w.totalParams(), name);
        for (PartCost p : w.parts()) {
            // DINO's label embedding and UperNet's auxiliary head are used in training only
            assertTrue(p.trueFlops() > 0 || p.name().equals("label_embedding") || p.name().equals("auxiliary_head"), p.name());
        }
        // the backbone rows and conventions are those of the backbone counter, unchanged
        assertEquals(FlopCounter.count(Golden.caseJson(dir), name, null).get(Convention.DET_SCRIPT).totalFlops(),
                w.backbone().get(Convention.DET_SCRIPT).totalFlops());
        assertNull(w.totalFlops(Convention.CLS_SCRIPT), "the classification script counts no heads");
        long heads = w.parts().stream().mapToLong(PartCost::trueFlops).sum();
        assertEquals(w.backbone().get(Convention.TRUE).totalFlops() + heads, w.totalFlops(Convention.TRUE));
    }

    static Stream<String> denseCases() {
        return Stream.of("det", "maskrcnn", "dino", "upernet").flatMap(Golden::caseNames);
    }

    /** The maps the heads are priced on: the reference's backbone output shapes at the case's input. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("denseCases")
    void backboneOutputsAreTheReferences(String name) {
        JsonNode c = Golden.caseJson(Golden.file(name));
        JsonNode in = c.get("input_shape");
        JsonNode test = c.path("config").path("model").path("test_cfg");
        // sliding-window inference feeds the backbone crops of crop_size
        InputSize fed = test.path("mode").asText("").equals("slide")
                ? new InputSize(test.get("crop_size").get(0).asInt(), test.get("crop_size").get(1).asInt())
                : new InputSize(in.get(2).asInt(), in.get(3).asInt());
        CostReport r = FlopCounter.count(c, name, fed);
        JsonNode shapes = c.get("output_shapes");
        JsonNode outs = shapes.isArray() ? shapes : shapes.get("backbone");
        List<FeatureMap> expected = new ArrayList<>();
        for (JsonNode o : outs) {
            expected.add(new FeatureMap(o.get(1).asLong(), o.get(2).asLong(), o.get(3).asLong()));
        }
        assertEquals(expected, r.outputs(), name);
    }

    /** DINO's encoder runs on the tokens of the reference's levels at the case's input. */
    @Test
    void dinoTokensAreTheReferences() {
        JsonNode c = Golden.caseJson(Golden.file("dino_det3_deit_window_b2_c"));
        JsonNode in = c.get("input_shape");
        WholeModelCost w = WholeModelCost.of(c, "dino", new InputSize(in.get(2).asInt(), in.get(3).asInt()));
        PartCost encoder = w.parts().stream().filter(p -> p.name().equals("encoder")).findFirst().orElseThrow();
        assertEquals("1 layer on " + c.get("num_tokens").asLong() + " tokens", encoder.assumption());
    }

    /** The golden Mask R-CNN's neck levels: FPN outputs 32 channels at the backbone's four sizes plus a pooled fifth. */
    @Test
    void fpnLevelsAreTheReferences() {
        JsonNode c = Golden.caseJson(Golden.file("maskrcnn_det3_deit_window_b2_c"));
        MaskRcnnConfig cfg = MaskRcnnConfig.read(c, "case.json");
        List<FeatureMap> backbone = List.of(new FeatureMap(64, 16, 24), new FeatureMap(64, 8, 12), new FeatureMap(64, 4, 6),
                new FeatureMap(64, 2, 3));
        Meter m = new Meter("neck", "");
        List<FeatureMap> levels = MaskRcnnCost.fpn(m, cfg.neck(), backbone, "case.json");
        assertEquals(List.of(new FeatureMap(32, 16, 24), new FeatureMap(32, 8, 12), new FeatureMap(32, 4, 6), new FeatureMap(32, 2, 3),
                new FeatureMap(32, 1, 2)), levels);
        // by hand: laterals 1×1 (64·32 + 32 bias per cell), outputs 3×3 (9·32·32 + 32), over 16·24 + 8·12 + 4·6 + 2·3 = 510 cells
        long cells = 510;
        long convs = cells * (64 * 32 + 32) + cells * (9 * 32 * 32 + 32);
        assertEquals(convs, m.result().hookedFlops(), "mmcv sees the convolutions only");
        long adds = 32L * (16 * 24 + 8 * 12 + 4 * 6); // top-down: each coarser lateral, upsampled, added into the finer
        long pool = 32L * 2; // the fifth level: F.max_pool2d(kernel 1, stride 2), one read per output
        assertEquals(convs + adds + pool, m.result().trueFlops());
    }

    /** A convolution stack by hand: FCNMaskHead with one 3×3 ConvModule, the 2×2 deconvolution and the 1×1 logits. */
    /**
     * The golden UperNet's heads by hand: UPerHead with 4 inputs of 64 channels, 32 channels, pool
     * scales 1/2/3/6, 150 classes; FCNHead with one 3×3 conv of 64 → 32. Every ConvModule is a
     * bias-free convolution and a BatchNorm (weight and bias; its running statistics are buffers).
     */
    @Test
    void uperNetHeadParametersByHand() {
        long psp = 4 * (64 * 32 + 2 * 32);
        long bottleneck = (64 + 4 * 32) * 32 * 9 + 2 * 32;
        long laterals = 3 * (64 * 32 + 2 * 32);
        long fpnConvs = 3 * (32 * 32 * 9 + 2 * 32);
        long fpnBottleneck = 4 * 32 * 32 * 9 + 2 * 32;
        long convSeg = 32 * 150 + 150;
        long aux = 64 * 32 * 9 + 2 * 32 + convSeg;
        Path dir = Golden.file("upernet_seg2_intern_whole_b2_c");
        WholeModelCost w = WholeModelCost.of(Golden.caseJson(dir), "upernet", null);
        assertEquals(psp + bottleneck + laterals + fpnConvs + fpnBottleneck + convSeg,
                w.parts().stream().filter(p -> p.name().equals("decode_head")).findFirst().orElseThrow().params());
        assertEquals(aux, w.parts().stream().filter(p -> p.name().equals("auxiliary_head")).findFirst().orElseThrow().params());
    }

    @Test
    void maskHeadByHand() {
        Meter m = new Meter("mask", "");
        MaskRcnnCost.maskHead(m, new MaskRcnnConfig.MaskHead(1, 2, 3, 3, 5), 2, 1);
        long conv = 9 * 2 * 3 * 4 + 3 * 4; // k²·in·out per output cell (2×2) plus the bias
        long relu = 3 * 4;
        long deconv = 4 * 3 * 3 * 4 + 3 * 16; // k²·in·out per input cell (2×2), bias per output element (4×4)
        long relu2 = 3 * 16;
        long logits = 3 * 5 * 16 + 5 * 16;
        assertEquals(conv + relu + deconv + relu2 + logits, m.result().hookedFlops());
        assertEquals(conv + relu + deconv + relu2 + logits, m.result().trueFlops(), "every operation is a hooked layer");
        Meter ten = new Meter("mask", "");
        MaskRcnnCost.maskHead(ten, new MaskRcnnConfig.MaskHead(1, 2, 3, 3, 5), 2, 10);
        assertEquals(10 * m.result().trueFlops(), ten.result().trueFlops(), "linear in the RoIs");
    }

    /** A linear stack by hand: Shared2FCBBoxHead on 10 RoIs of 2×2×2, two shared 4-wide layers, 3 classes. */
    @Test
    void boxHeadByHand() {
        Meter m = new Meter("box", "");
        MaskRcnnCost.boxHead(m, new MaskRcnnConfig.BBoxHead(2, 2, 4, 2, 3, false, null), 10);
        long fc1 = 10 * 8 * 4;
        long fc2 = 10 * 4 * 4;
        long cls = 10 * 4 * (3 + 1);
        long reg = 10 * 4 * (4 * 3);
        long relus = 2 * 10 * 4;
        assertEquals(fc1 + fc2 + cls + reg + relus, m.result().hookedFlops(), "mmcv: input elements × out features, no bias");
        long biases = 10 * (4 + 4 + 4 + 12);
        assertEquals(fc1 + fc2 + cls + reg + relus + biases, m.result().trueFlops());
        assertEquals(0, m.result().analyticFlops());
    }

    /** DINO's deformable attention by hand: 5 queries over 7 value tokens, E 8, 2 heads, 2 levels, 3 points. */
    @Test
    void deformableAttentionByHand() {
        TransformerSpec s = new TransformerSpec(8, 16, 1, 1, 2, 2, 3, 2, 5);
        Meter m = new Meter("attn", "");
        DinoCost.deformableAttention(m, s, 5, 7, false);
        long samples = 2 * 2 * 3; // heads · levels · points
        long value = 7 * 8 * 8;
        long offsets = 5 * 8 * (2 * samples);
        long weights = 5 * 8 * samples;
        long out = 5 * 8 * 8;
        assertEquals(value + offsets + weights + out, m.result().hookedFlops(), "the four nn.Linear layers");
        assertEquals(5 * 5 * (2 * 3) * 8, m.result().analyticFlops(), "the authors' 5·N·K·C with K = levels · points");
        long biases = 7 * 8 + 5 * (2 * samples) + 5 * samples + 5 * 8;
        long softmax = 4 * 5 * samples;
        long sampling = 5 * 5 * (2 * 3) * 8; // a 4-tap bilinear sample and its weight per point and channel
        long locations = 4 * 2 * 5 * samples; // per head, level, point and coordinate: /size, +reference, 2x−1
        long residuals = 2 * 5 * 8; // query + pos, + identity
        assertEquals(value + offsets + weights + out + biases + softmax + sampling + locations + residuals, m.result().trueFlops());
    }

    /** ChannelMapper by hand: 1×1 convolutions without bias and GroupNorm per input, one stride-2 extra level. */
    @Test
    void channelMapperByHand() {
        Meter m = new Meter("neck", "");
        List<FeatureMap> out = DinoCost.channelMapper(m, new DinoConfig.Neck(new int[] {4, 6}, 8, 1, 2, 3),
                List.of(new FeatureMap(4, 4, 6), new FeatureMap(6, 2, 3)), "test");
        assertEquals(List.of(new FeatureMap(8, 4, 6), new FeatureMap(8, 2, 3), new FeatureMap(8, 1, 2)), out);
        long convs = 24 * 4 * 8 + 6 * 6 * 8 + 2 * 9 * 6 * 8; // the extra level from the last input (6 channels)
        long norms = 2 * 8 * (24 + 6 + 2);
        assertEquals(convs + norms, m.result().hookedFlops());
    }

    /** A classifier is whole as counted (its head is in the backbone count); a bare backbone has no heads to price. */
    @Test
    void classifiersAndBareBackbonesHaveNoParts() {
        Path clsDir = Golden.file("cls3_deit_merged");
        WholeModelCost cls = WholeModelCost.of(Golden.caseJson(clsDir), "cls3_deit_merged", null);
        assertTrue(cls.parts().isEmpty() && cls.available());
        assertEquals(Golden.numParameters(clsDir), cls.totalParams());
        assertEquals(cls.backbone().get(Convention.CLS_SCRIPT).totalFlops(), cls.totalFlops(Convention.CLS_SCRIPT));
        assertNull(cls.totalFlops(Convention.DET_SCRIPT));
        WholeModelCost det = WholeModelCost.of(Golden.caseJson(Golden.file("det3_deit_window")), "det3_deit_window", null);
        assertTrue(det.parts().isEmpty() && !det.available(), "a backbone alone");
        assertTrue(det.unavailable().contains("backbone"), det.unavailable());
    }
}
