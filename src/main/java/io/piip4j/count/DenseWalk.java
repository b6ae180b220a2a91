package io.piip4j.count;

import io.piip4j.config.JsonPath;

import com.fasterxml.jackson.databind.JsonNode;
import io.piip4j.config.ConfigException;
import java.util.ArrayList;
import java.util.List;

/**
 * Shape-level walk of the dense (mmdetection / mmsegmentation) backbones as the official code
 * builds them: PIIPTwoBranch/ThreeBranch/FourBranch and the single-branch baselines
 * ({@code vit_models}, {@code InternViT6B}, {@code ConvNextHFWrapper}). It records what
 * {@code get_flops_det.py} sees (hooks up to the {@code cal_flops} return, its analytic terms) and
 * the true cost of the full forward, FPN outputs included.
 *
 * <p>Mirrored quirks of the official code, since the released weights and figures depend on them:
 * PIIPFourBranch builds its fourth branch from branch3's arguments (only {@code real_size} and
 * {@code interaction_indexes} come from branch4); the two- and four-branch models give the
 * interaction units {@code pretrain_img_size // 16} as the feature size the script's analytic term
 * uses; PIIPThreeBranch builds its simple-FPN layers even for DINO.
 */
final class DenseWalk {
    static final String MERGE = "merging/output";
    static final String BACKBONE = "backbone";

    private final JsonPath cfg;
    private final VitBranch.Side side;
    private final JsonNode convnextConfigs;
    /** Walking the official input size, where the script's analytic terms use the configured sizes. */
    private final boolean configured;
    private final Tally t = new Tally();

    private DenseWalk(JsonPath cfg, VitBranch.Side side, JsonNode convnextConfigs, boolean configured) {
        this.cfg = cfg;
        this.side = side;
        this.convnextConfigs = convnextConfigs;
        this.configured = configured;
    }

    /** The detection script's input side: branch4/3/2 real size, the backbone's real size (or mmseg img_size), else 1024. */
    static int defaultInput(JsonPath cfg) {
        for (String b : new String[] {"branch4", "branch3", "branch2"}) {
            if (cfg.has(b)) {
                return cfg.object(b).positive("real_size", null);
            }
        }
        if (cfg.has("real_size")) {
            return cfg.positive("real_size", null);
        }
        // an mmseg backbone is built for its img_size (the crop); the detection script's own fallback is 1024
        return cfg.has("img_size") ? cfg.positive("img_size", null) : 1024;
    }

    /** @param convnextConfigs optional ConvNeXt shapes by {@code pretrained} name (else the hub presets) */
    static Tally walk(JsonPath cfg, VitBranch.Side side, long h, long w, JsonNode convnextConfigs) {
        int s = defaultInput(cfg);
        DenseWalk d = new DenseWalk(cfg, side, convnextConfigs, h == s && w == s);
        String type = cfg.string("type", "");
        switch (type) {
            case "PIIPTwoBranch", "PIIPThreeBranch", "PIIPFourBranch" -> d.pyramid(type, h, w);
            case "vit_models", "InternViT6B" -> d.vitBaseline(type, h, w);
            case "ConvNextHFWrapper" -> d.convNextBaseline(h, w);
            default -> throw cfg.error("type", "unsupported backbone type '" + type
                    + "' (expected PIIPTwoBranch, PIIPThreeBranch, PIIPFourBranch, vit_models, InternViT6B or ConvNextHFWrapper)");
        }
        return d.t;
    }

    /** One branch of the pyramid with its running token grid. */
    private final class Br {
        final String name;
        final JsonPath conf;
        final int realSize;
        final List<int[]> indexes;
        final VitBranch vit;
        final ConvNextBranch cnn;
        final int[] downsample;
        long inH;
        long inW;
        long gh;
        long gw;

        Br(String name, JsonPath conf, JsonPath built, int realSize, List<int[]> indexes, VitBranch.Family forced) {
            this.name = name;
            this.conf = conf;
            this.realSize = realSize;
            this.indexes = indexes;
            String pretrained = built.string("pretrained", "");
            if (forced == null && pretrained.contains("convnext")) {
                cnn = ConvNextBranch.preset(pretrained, built.at("pretrained"), convnextConfigs);
                vit = null;
                List<Integer> ds = built.ints("downsample_ratios");
                if (ds.size() != cnn.blocks.size()) {
                    throw built.error("downsample_ratios", "expected " + cnn.blocks.size() + " entries (one per ConvNeXt block), got " + ds.size());
                }
                downsample = ds.stream().mapToInt(Integer::intValue).toArray();
            } else {
                VitBranch.Family f = forced != null ? forced : VitBranch.denseFamily(pretrained);
                vit = VitBranch.of(f, side, built, false);
                cnn = null;
                downsample = new int[vit.depth];
                java.util.Arrays.fill(downsample, vit.patch);
            }
            for (int[] ix : indexes) {
                if (ix[0] < 0 || ix[1] >= depth() || ix[0] > ix[1]) {
                    throw conf.error("interaction_indexes", "block range [" + ix[0] + ", " + ix[1] + "] is outside 0.."
                            + (depth() - 1));
                }
            }
        }

        int depth() {
            return cnn != null ? cnn.blocks.size() : vit.depth;
        }

        int embedDim() {
            return cnn != null ? cnn.embedDim() : vit.dim;
        }

        int dimAt(int block) {
            return cnn != null ? cnn.outDim(block) : vit.dim;
        }

        long params() {
            return cnn != null ? cnn.params() : vit.params();
        }

        void embed(long h, long w) {
            long[] grid = cnn != null ? cnn.embed(t, name, h, w) : vit.embed(t, name, h, w);
            gh = grid[0];
            gw = grid[1];
        }

        void blocks(int from, int to) {
            for (int i = from; i <= to; i++) {
                if (cnn != null) {
                    long[] grid = cnn.block(t, name, i, gh, gw);
                    gh = grid[0];
                    gw = grid[1];
                } else {
                    vit.block(t, name, i, gh, gw, false);
                }
            }
        }

        boolean countsAttention() {
            String p = conf.string("pretrained", "");
            return !p.contains("resnet") && !p.contains("convnext");
        }
    }

    private void pyramid(String type, long h, long w) {
        int n = switch (type) {
            case "PIIPTwoBranch" -> 2;
            case "PIIPThreeBranch" -> 3;
            default -> 4;
        };
        for (int i = n + 1; i <= 4; i++) {
            if (cfg.contains("branch" + i)) {
                throw cfg.error("branch" + i, "unexpected for " + type + " (" + n + " branches)");
            }
        }
        Interactions.Options opts = Interactions.Options.of(cfg);
        boolean three = n == 3;
        boolean simpleFpn = !three || cfg.bool("with_simple_fpn", true);
        boolean dino = cfg.bool("is_dino", false);
        List<Br> br = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            JsonPath c = cfg.object("branch" + i);
            // PIIPFourBranch: self.branch4 = vit_models(**branch3)
            JsonPath built = n == 4 && i == 4 ? cfg.object("branch3") : c;
            VitBranch.Family forced = null;
            if (n == 4) {
                forced = VitBranch.Family.DEIT;
            } else if (n == 2 || side == VitBranch.Side.SEGMENTATION) {
                forced = built.string("pretrained", "").contains("deit") ? VitBranch.Family.DEIT : VitBranch.Family.INTERNVIT;
            }
            br.add(new Br("branch" + i, c, built, c.positive("real_size", null), c.indexes("interaction_indexes"), forced));
        }
        int k = br.get(0).indexes.size();
        for (Br b : br) {
            if (b.indexes.size() != k) {
                throw b.conf.error("interaction_indexes", "has " + b.indexes.size() + " interactions, branch1 has " + k);
            }
        }
        List<Integer> outIdx = cfg.ints("out_interaction_indexes");
        if (three && !simpleFpn && outIdx.size() != 3) {
            throw cfg.error("out_interaction_indexes", "with_simple_fpn false needs 3 interaction indexes, got " + outIdx.size());
        }
        Br last = br.get(n - 1);
        boolean lastIsCnn = last.cnn != null;
        if (three && simpleFpn && lastIsCnn) {
            throw cfg.error("with_simple_fpn", "the simple FPN needs a ViT as the last branch");
        }

        // ---- parameters ----
        for (Br b : br) {
            t.params(b.name, b.params());
        }
        int[] layer = new int[n];
        for (int x = 0; x < k; x++) {
            String g = "interactions." + x;
            for (int j = 0; j < n; j++) {
                layer[j] = br.get(j).indexes.get(x)[1];
            }
            for (int j = 0; j + 1 < n; j++) {
                t.params(g, Interactions.unitParams(dimOf(br.get(j), layer[j], three), dimOf(br.get(j + 1), layer[j + 1], three), opts));
            }
        }
        long d1 = br.get(0).embedDim();
        t.params(MERGE, n); // w1..wn
        if (three && !simpleFpn) {
            for (int o : outIdx) {
                long a = br.get(0).dimAt(br.get(0).indexes.get(o)[1]);
                t.params(MERGE, 2 * a + 3);
                for (int j = 1; j < n; j++) {
                    long dj = br.get(j).dimAt(br.get(j).indexes.get(o)[1]);
                    t.params(MERGE, Tally.convParams(dj, a, 3, 1, false) + 2 * a);
                }
            }
            t.params(MERGE, 2 * d1);
            for (int j = 1; j < n; j++) {
                t.params(MERGE, Tally.convParams(br.get(j).embedDim(), d1, 3, 1, false) + 2 * d1);
            }
        } else {
            for (int j = 0; j < n; j++) {
                t.params(MERGE, Tally.convParams(br.get(j).embedDim(), d1, 3, 1, false) + 2 * d1
                        + Tally.convParams(d1, d1, 3, 1, false) + 2 * d1);
            }
        }
        long convT = Tally.convParams(d1, d1, 2, 1, true);
        long fpn1Dim = d1;
        long fpn2Dim = d1;
        if (three && !simpleFpn && !lastIsCnn) {
            fpn1Dim = br.get(0).dimAt(br.get(0).indexes.get(outIdx.get(0))[1]);
            fpn2Dim = br.get(0).dimAt(br.get(0).indexes.get(outIdx.get(1))[1]);
        }
        boolean fpn1 = three ? !lastIsCnn : side == VitBranch.Side.SEGMENTATION || !dino;
        if (fpn1) {
            t.params(MERGE, 2 * Tally.convParams(fpn1Dim, fpn1Dim, 2, 1, true) + 2 * fpn1Dim);
        }
        if (!(three && lastIsCnn)) {
            t.params(MERGE, three ? Tally.convParams(fpn2Dim, fpn2Dim, 2, 1, true) : convT);
        }

        // ---- forward ----
        for (int j = 0; j < n; j++) {
            Br b = br.get(j);
            long bh = h;
            long bw = w;
            double scale = (double) b.realSize / (double) last.realSize;
            if (scale < 1) {
                bh = (long) Math.floor((double) h * scale);
                bw = (long) Math.floor((double) w * scale);
                t.bilinear(b.name, 3 * bh * bw);
            }
            b.inH = bh;
            b.inW = bw;
            b.embed(bh, bw);
        }
        List<FeatureMap> intermediates = new ArrayList<>();
        for (int x = 0; x < k; x++) {
            String g = "interactions." + x;
            t.group(g);
            for (Br b : br) {
                int[] ix = b.indexes.get(x);
                b.blocks(ix[0], ix[1]);
            }
            for (int j = 0; j < n; j++) {
                layer[j] = br.get(j).indexes.get(x)[1];
            }
            for (int j = n - 2; j >= 0; j--) {
                Br a = br.get(j);
                Br b = br.get(j + 1);
                Interactions.unit(t, g, dimOf(a, layer[j], three), a.gh, a.gw, dimOf(b, layer[j + 1], three), b.gh, b.gw, opts);
                long fa;
                long fb;
                if (three && configured) {
                    fa = a.realSize / a.downsample[layer[j]];
                    fb = b.realSize / b.downsample[layer[j + 1]];
                } else if (three) {
                    fa = a.gh;
                    fb = b.gh;
                } else {
                    fa = pretrainOf(a) / 16;
                    fb = pretrainOf(b) / 16;
                }
                t.analytic(g, Interactions.analytic(fa, dimOf(a, layer[j], three), fb, dimOf(b, layer[j + 1], three), opts.deform()));
            }
            if (three && !simpleFpn && outIdx.contains(x)) {
                intermediateMerge(br, layer);
                intermediates.add(new FeatureMap(br.get(0).dimAt(layer[0]), last.gh, last.gw));
            }
        }
        t.group(MERGE);
        finalMerge(br, three && !simpleFpn);
        if (side == VitBranch.Side.DETECTION) {
            t.scriptSees(false); // cal_flops: the script's forward returns before the FPN outputs
        }
        long oh = last.gh;
        long ow = last.gw;
        if (three && lastIsCnn) {
            // identity outputs
        } else if (dino && side == VitBranch.Side.DETECTION) {
            simpleFpnCost(0, d1, d1, oh, ow);
        } else if (three && !simpleFpn) {
            simpleFpnCost(fpn1Dim, fpn2Dim, d1, oh, ow); // on the intermediate maps and the final one
        } else {
            simpleFpnCost(d1, d1, d1, oh, ow);
        }
        t.scriptSees(true);
        if (dino) {
            // fpn2 (2x up) unless the last branch is a CNN, the merged map, its 2x2 max-pool (again the map for a CNN)
            boolean cnn = three && lastIsCnn;
            t.output(d1, cnn ? oh : 2 * oh, cnn ? ow : 2 * ow);
            t.output(d1, oh, ow);
            t.output(d1, cnn ? oh : oh / 2, cnn ? ow : ow / 2);
        } else if (three && !simpleFpn) {
            intermediates.add(new FeatureMap(d1, oh, ow));
            if (lastIsCnn) {
                intermediates.forEach(m -> t.output(m.channels(), m.height(), m.width()));
            } else {
                FeatureMap m0 = intermediates.get(0);
                FeatureMap m1 = intermediates.get(1);
                FeatureMap m2 = intermediates.get(2);
                t.output(m0.channels(), 4 * m0.height(), 4 * m0.width());
                t.output(m1.channels(), 2 * m1.height(), 2 * m1.width());
                t.output(m2.channels(), m2.height(), m2.width());
                t.output(d1, oh / 2, ow / 2);
            }
        } else {
            simpleFpnOutputs(d1, oh, ow);
        }
        for (Br b : br) {
            if (b.countsAttention()) {
                // the script evaluates its formula at the configured sizes; at another input, at the sizes fed
                t.analytic(b.name, configured ? Analytic.selfAttention(b.conf, b.realSize, b.realSize, b.embedDim())
                        : Analytic.selfAttention(b.conf, b.inH, b.inW, b.embedDim()));
            }
        }
    }

    private static int dimOf(Br b, int layer, boolean three) {
        return three ? b.dimAt(layer) : b.embedDim();
    }

    private static long pretrainOf(Br b) {
        return b.vit != null ? b.vit.pretrainImg : b.realSize;
    }

    /** fpn1 (2× up, GN, GELU, 2× up) where d1 &gt; 0, fpn2 (2× up), fpn3 identity, fpn4 (2×2 max-pool). */
    private void simpleFpnCost(long d1, long d2, long d4, long oh, long ow) {
        if (d1 > 0) {
            t.convTranspose(MERGE, oh, ow, d1, d1, 2, true);
            t.norm(MERGE, 4 * oh * ow * d1, true, true);
            t.gelu(MERGE, 4 * oh * ow * d1);
            t.convTranspose(MERGE, 2 * oh, 2 * ow, d1, d1, 2, true);
        }
        t.convTranspose(MERGE, oh, ow, d2, d2, 2, true);
        t.maxPool(MERGE, oh * ow * d4);
    }

    /** The simple FPN's four maps of a d-channel oh×ow map: 4× and 2× up, the map, its 2×2 max-pool. */
    private void simpleFpnOutputs(long d, long oh, long ow) {
        t.output(d, 4 * oh, 4 * ow);
        t.output(d, 2 * oh, 2 * ow);
        t.output(d, oh, ow);
        t.output(d, oh / 2, ow / 2);
    }

    private void convGnRelu(long in, long out, long gh, long gw) {
        t.conv(MERGE, gh, gw, in, out, 3, 1, false);
        gnRelu(out, gh, gw);
    }

    private void gnRelu(long c, long gh, long gw) {
        t.norm(MERGE, c * gh * gw, true, true);
        t.relu(MERGE, c * gh * gw);
    }

    private void intermediateMerge(List<Br> br, int[] layer) {
        Br last = br.get(br.size() - 1);
        long a = br.get(0).dimAt(layer[0]);
        for (int j = 0; j < br.size(); j++) {
            Br b = br.get(j);
            if (j == 0) {
                gnRelu(a, b.gh, b.gw);
            } else {
                convGnRelu(b.dimAt(layer[j]), a, b.gh, b.gw);
            }
            if (j < br.size() - 1) {
                t.bilinear(MERGE, a * last.gh * last.gw);
            }
        }
        t.elementwise(MERGE, (2L * br.size() - 1) * a * last.gh * last.gw);
    }

    private void finalMerge(List<Br> br, boolean light) {
        Br last = br.get(br.size() - 1);
        long d1 = br.get(0).embedDim();
        for (int j = 0; j < br.size(); j++) {
            Br b = br.get(j);
            if (light) {
                if (j == 0) {
                    gnRelu(d1, b.gh, b.gw);
                } else {
                    convGnRelu(b.embedDim(), d1, b.gh, b.gw);
                }
            } else {
                convGnRelu(b.embedDim(), d1, b.gh, b.gw);
                convGnRelu(d1, d1, b.gh, b.gw);
            }
            if (j < br.size() - 1) {
                t.bilinear(MERGE, d1 * last.gh * last.gw);
            }
        }
        t.elementwise(MERGE, (2L * br.size() - 1) * d1 * last.gh * last.gw);
    }

    private void vitBaseline(String type, long h, long w) {
        VitBranch.Family f = type.equals("vit_models") ? VitBranch.Family.DEIT : VitBranch.Family.INTERNVIT;
        VitBranch v = VitBranch.of(f, side, cfg, false);
        t.params(BACKBONE, v.params());
        boolean withFpn = cfg.bool("with_fpn", false);
        boolean finalNorm = f == VitBranch.Family.INTERNVIT && cfg.bool("with_final_norm", false);
        long d = v.dim;
        if (withFpn) {
            long ct = Tally.convParams(d, d, 2, 1, true);
            t.params(MERGE, 3 * ct + 2 * d + (finalNorm ? 8 * d : 0));
        }
        long[] grid = v.embed(t, BACKBONE, h, w);
        if (side == VitBranch.Side.SEGMENTATION && f == VitBranch.Family.INTERNVIT && (grid[0] * grid[1] + 1) != v.posEmbedRows()) {
            throw new ConfigException("input " + h + "x" + w + " does not fit the position embedding of img_size " + v.imgSize
                    + " (the mmseg InternViT6B adds it without resizing)");
        }
        for (int i = 0; i < v.depth; i++) {
            v.block(t, BACKBONE, i, grid[0], grid[1], false);
        }
        if (withFpn) {
            long oh = grid[0];
            long ow = grid[1];
            t.convTranspose(MERGE, oh, ow, d, d, 2, true);
            t.norm(MERGE, 4 * oh * ow * d, true, false); // custom channels-first LayerNorm
            t.gelu(MERGE, 4 * oh * ow * d);
            t.convTranspose(MERGE, 2 * oh, 2 * ow, d, d, 2, true);
            t.convTranspose(MERGE, oh, ow, d, d, 2, true);
            t.maxPool(MERGE, oh * ow * d);
            if (finalNorm) {
                t.norm(MERGE, (16 + 4 + 1) * oh * ow * d + oh * ow * d / 4, true, false);
            }
            simpleFpnOutputs(d, oh, ow);
        }
        String p = cfg.string("pretrained", "");
        if (!p.contains("resnet") && !p.contains("convnext")) {
            t.analytic(BACKBONE, Analytic.selfAttention(cfg, h, w, v.dim));
        }
    }

    private void convNextBaseline(long h, long w) {
        ConvNextBranch c = ConvNextBranch.preset(cfg.string("pretrained", ""), cfg.at("pretrained"), convnextConfigs);
        t.params(BACKBONE, c.params());
        boolean simple = cfg.bool("with_simple_fpn", false);
        long d = c.embedDim();
        long ct = Tally.convParams(d, d, 2, 1, true);
        if (simple) {
            t.params(MERGE, 6 * ct + 3 * 2 * d);
        }
        long[] grid = c.embed(t, BACKBONE, h, w);
        for (int i = 0; i < c.blocks.size(); i++) {
            grid = c.block(t, BACKBONE, i, grid[0], grid[1]);
            boolean stageEnds = i + 1 == c.blocks.size() || c.blocks.get(i + 1).downsampling();
            if (!simple && stageEnds) {
                t.output(c.outDim(i), grid[0], grid[1]); // the regular FPN takes each stage's output
            }
        }
        if (simple) {
            t.scriptSees(false);
            long oh = grid[0];
            long ow = grid[1];
            t.convTranspose(MERGE, oh, ow, d, d, 2, true);
            t.norm(MERGE, 4 * oh * ow * d, true, true);
            t.gelu(MERGE, 4 * oh * ow * d);
            t.convTranspose(MERGE, 2 * oh, 2 * ow, d, d, 2, true);
            t.norm(MERGE, 16 * oh * ow * d, true, true);
            t.gelu(MERGE, 16 * oh * ow * d);
            t.convTranspose(MERGE, 4 * oh, 4 * ow, d, d, 2, true);
            t.convTranspose(MERGE, oh, ow, d, d, 2, true);
            t.norm(MERGE, 4 * oh * ow * d, true, true);
            t.gelu(MERGE, 4 * oh * ow * d);
            t.convTranspose(MERGE, 2 * oh, 2 * ow, d, d, 2, true);
            t.convTranspose(MERGE, oh, ow, d, d, 2, true);
            t.scriptSees(true);
            t.output(d, 8 * oh, 8 * ow);
            t.output(d, 4 * oh, 4 * ow);
            t.output(d, 2 * oh, 2 * ow);
            t.output(d, oh, ow);
        }
    }
}
