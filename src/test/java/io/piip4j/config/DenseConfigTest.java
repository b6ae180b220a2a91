package io.piip4j.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** Reading the detection / segmentation backbone configs: the mmdet constructors' defaults, the branch-kind rules, errors with key paths. */
class DenseConfigTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A small three-branch DeiT backbone (bare backbone object). */
    private static ObjectNode threeBranch() {
        ObjectNode c = JSON.createObjectNode();
        c.put("type", "PIIPThreeBranch");
        c.put("interact_attn_type", "deform");
        c.put("deform_num_heads", 4);
        int[][] shapes = {{64, 128, 4}, {96, 64, 2}, {128, 32, 1}};
        for (int i = 0; i < 3; i++) {
            ObjectNode b = c.putObject("branch" + (i + 1));
            b.put("real_size", shapes[i][0]);
            b.put("embed_dim", shapes[i][1]);
            b.put("num_heads", shapes[i][2]);
            b.put("depth", 2);
            b.put("pretrained", "deit-none");
            ArrayNode idx = b.putArray("interaction_indexes");
            idx.addArray().add(0).add(0);
            idx.addArray().add(1).add(1);
        }
        return c;
    }

    private static String error(com.fasterxml.jackson.databind.JsonNode c) {
        return assertThrows(ConfigException.class, () -> ConfigReader.parse(c)).getMessage();
    }

    @Test
    void deitBranchDefaultsAreVitModels() {
        PiipConfig cfg = ConfigReader.parse(threeBranch());
        assertEquals(PiipConfig.Task.DENSE, cfg.task());
        BranchConfig b = cfg.branches().get(0);
        assertEquals(BranchKind.DEIT, b.kind());
        assertEquals(64, b.imgSize());
        assertEquals(224, b.pretrainImgSize());
        assertEquals(14, b.pretrainGridSize());
        assertFalse(b.useClsToken());
        assertFalse(b.useFlashAttn());
        assertFalse(b.windowAttn()[0]);
        assertTrue(cfg.dense().withSimpleFpn());
        assertFalse(cfg.dense().isDino());
        assertTrue(cfg.injectorNorm());
    }

    @Test
    void internVitBranchDefaultsAreInternViT6B() {
        ObjectNode c = threeBranch();
        ObjectNode b1 = (ObjectNode) c.get("branch1");
        b1.put("pretrained", "pretrained/intern_vit_6b_224px.pth");
        b1.remove(java.util.List.of("embed_dim", "num_heads", "depth"));
        b1.putArray("interaction_indexes").add(JSON.createArrayNode().add(0).add(23)).add(JSON.createArrayNode().add(24).add(47));
        BranchConfig b = ConfigReader.parse(c).branches().get(0);
        assertEquals(BranchKind.INTERNVIT, b.kind());
        assertEquals(48, b.depth());
        assertEquals(3200, b.embedDim());
        assertEquals(25, b.numHeads());
        assertEquals(14, b.patchSize());
        assertEquals("RMSNorm", b.normLayerType());
        assertTrue(b.qkNormalization());
        assertEquals(0.1, b.initValues());
        assertFalse(b.qkvBias());
    }

    @Test
    void internVitInitValuesZeroMeansNoLayerScale() {
        ObjectNode c = threeBranch();
        ((ObjectNode) c.get("branch2")).put("pretrained", "mae_pretrain_vit_base.pth").put("init_values", 0);
        assertNull(ConfigReader.parse(c).branches().get(1).initValues());
    }

    @Test
    void branchKindFollowsThePretrainedNameAsTheReference() {
        ObjectNode c = threeBranch();
        ((ObjectNode) c.get("branch1")).put("pretrained", "./pretrained/beitv2_large_patch16_224_pt1k_ft21k.pth");
        ((ObjectNode) c.get("branch2")).put("pretrained", "./pretrained/uni-perceiver-base.pth");
        PiipConfig cfg = ConfigReader.parse(c);
        assertEquals(BranchKind.BEIT, cfg.branches().get(0).kind());
        assertEquals(BranchKind.UNIPERCEIVER, cfg.branches().get(1).kind());
        assertEquals(512, cfg.branches().get(0).pretrainImgSize(), "BEiT's default pretrain_img_size");

        // PIIPTwoBranch knows only DeiT and InternViT: a BEiT name builds an InternViT-style branch
        c.remove("branch3");
        c.put("type", "PIIPTwoBranch");
        assertEquals(BranchKind.INTERNVIT, ConfigReader.parse(c).branches().get(0).kind());
    }

    @Test
    void fourBranchModelBuildsBranch4FromBranch3() {
        ObjectNode c = threeBranch();
        c.put("type", "PIIPFourBranch");
        ObjectNode b4 = c.putObject("branch4");
        b4.put("real_size", 160).put("embed_dim", 16).put("num_heads", 1).put("depth", 2).put("pretrained", "deit-tiny");
        b4.putArray("interaction_indexes").add(JSON.createArrayNode().add(0).add(0)).add(JSON.createArrayNode().add(1).add(1));
        BranchConfig b = ConfigReader.parse(c).branches().get(3);
        assertEquals("branch4", b.name());
        assertEquals(160, b.imgSize());
        assertEquals(32, b.embedDim(), "vit_models(**branch3)");
    }

    @Test
    void deitWindowsArePerBlockAndOnlyWherePositive() {
        ObjectNode c = threeBranch();
        ObjectNode b = (ObjectNode) c.get("branch1");
        b.putArray("window_attn").add(true).add(true);
        b.putArray("window_size").add(3).add(-1);
        BranchConfig cfg = ConfigReader.parse(c).branches().get(0);
        assertArrayEquals(new boolean[] {true, false}, cfg.windowAttn());
        assertEquals(3, cfg.windowSize()[0]);
    }

    @Test
    void normLayerNoneRemovesTheInteractionNorms() {
        ObjectNode c = threeBranch();
        c.put("norm_layer", "none");
        assertFalse(ConfigReader.parse(c).injectorNorm());
        c.put("norm_layer", "bn");
        assertTrue(error(c).startsWith("norm_layer: unsupported value 'bn'"), error(c));
    }

    @Test
    void onlyTheThreeBranchModelTakesRegularFpnOptions() {
        ObjectNode c = threeBranch();
        c.remove("branch3");
        c.put("type", "PIIPTwoBranch");
        c.put("with_simple_fpn", false);
        assertEquals("with_simple_fpn: only PIIPThreeBranch takes this option", error(c));
    }

    @Test
    void regularFpnNeedsThreeDistinctInteractions() {
        ObjectNode c = threeBranch();
        c.put("with_simple_fpn", false);
        c.putArray("out_interaction_indexes").add(0).add(1);
        assertTrue(error(c).startsWith("out_interaction_indexes: with_simple_fpn false needs three distinct"), error(c));
    }

    @Test
    void densePretrainedNameIsRequired() {
        ObjectNode c = threeBranch();
        ((ObjectNode) c.get("branch2")).remove("pretrained");
        assertEquals("branch2.pretrained: missing", error(c));
    }

    @Test
    void convnextBranchesNeedAKnownShapeAndOneRatioPerBlock() {
        ObjectNode c = threeBranch();
        ObjectNode b2 = c.putObject("branch2");
        b2.put("real_size", 96).put("pretrained", "facebook/convnext-tiny-224");
        b2.putArray("interaction_indexes").add(JSON.createArrayNode().add(0).add(2)).add(JSON.createArrayNode().add(3).add(6));
        b2.putArray("downsample_ratios").add(4).add(4);
        assertTrue(error(c).startsWith("branch2.downsample_ratios: expected 21 entries"), error(c));

        ArrayNode r = b2.putArray("downsample_ratios");
        for (int i = 0; i < 21; i++) {
            r.add(i < 3 ? 4 : i < 7 ? 8 : i < 17 ? 16 : 32);
        }
        c.put("with_simple_fpn", false);
        c.putArray("out_interaction_indexes").add(0).add(1).add(1);
        BranchConfig b = ConfigReader.parse(threeBranchWith(b2)).branches().get(1);
        assertEquals(BranchKind.CONVNEXT, b.kind());
        assertEquals(768, b.embedDim());
        assertEquals(192, b.blockDims()[3], "the stage-1 downsampling layer is block 3");

        b2.put("pretrained", "facebook/convnext-huge-224");
        assertTrue(error(c).startsWith("branch2.pretrained: unknown ConvNeXt model 'facebook/convnext-huge-224'"), error(c));
    }

    private static ObjectNode threeBranchWith(ObjectNode branch2) {
        ObjectNode c = threeBranch();
        c.set("branch2", branch2.deepCopy());
        return c;
    }

    @Test
    void aConvNextLastBranchNeedsTheRegularFpn() {
        ObjectNode c = threeBranch();
        ObjectNode b3 = c.putObject("branch3");
        b3.put("real_size", 128).put("pretrained", "facebook/convnext-tiny-224");
        b3.putArray("interaction_indexes").add(JSON.createArrayNode().add(0).add(2)).add(JSON.createArrayNode().add(3).add(6));
        ArrayNode r = b3.putArray("downsample_ratios");
        for (int i = 0; i < 21; i++) {
            r.add(i < 3 ? 4 : i < 7 ? 8 : i < 17 ? 16 : 32);
        }
        assertTrue(error(c).startsWith("with_simple_fpn: must be false when the last branch is a ConvNeXt"), error(c));
    }

    @Test
    void singleBranchBaselinesAreRead() {
        ObjectNode c = JSON.createObjectNode();
        c.put("type", "vit_models").put("embed_dim", 768).put("depth", 12).put("num_heads", 12).put("with_fpn", true);
        c.putArray("out_indices").add(11);
        PiipConfig cfg = ConfigReader.parse(c);
        assertTrue(cfg.isBaseline());
        assertEquals("vit_models", cfg.typeName());
        assertEquals(0, cfg.numInteractions());
        assertTrue(cfg.branches().get(0).withFpn());
    }

    @Test
    void segmentorsUseMmsegmentationsBackbones() {
        ObjectNode c = threeBranch();
        c.remove("branch3");
        c.put("type", "PIIPTwoBranch");
        ((ObjectNode) c.get("branch1")).put("img_size", 64);
        ObjectNode root = JSON.createObjectNode();
        ObjectNode model = root.putObject("model");
        model.put("type", "EncoderDecoder");
        model.set("backbone", c);
        PiipConfig seg = ConfigReader.parse(root);
        assertTrue(seg.dense().segmentation());
        assertEquals(4, seg.branches().get(0).posEmbedGrid(), "img_size // patch_size");
        assertFalse(seg.branches().get(0).resizePosEmbed());
        assertEquals(14, seg.branches().get(1).posEmbedGrid(), "img_size defaults to 224");

        model.put("type", "MaskRCNN");
        PiipConfig det = ConfigReader.parse(root);
        assertFalse(det.dense().segmentation());
        assertEquals(14, det.branches().get(0).posEmbedGrid(), "pretrain_img_size // patch_size");
        assertTrue(det.branches().get(0).resizePosEmbed());

        model.put("type", "EncoderDecoder");
        c.put("is_dino", true);
        assertEquals("model.backbone.is_dino: mmsegmentation's PIIPTwoBranch has no DINO outputs", error(root));
    }
}
