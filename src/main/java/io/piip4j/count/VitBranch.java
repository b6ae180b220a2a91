package io.piip4j.count;

import io.piip4j.config.JsonPath;

/**
 * A ViT-style branch as one of the reference's classes builds it, for counting: DeiT
 * ({@code vit_models} with layer-scale blocks), InternViT ({@code InternViT6B}, also used for
 * AugReg/MAE/DINOv2 weights), BEiT and Uni-Perceiver. The classification and the dense code bases
 * build these classes with different defaults and slightly different layers (which position
 * embedding, which attention path), so the side is part of the description.
 */
final class VitBranch {
    enum Family { DEIT, INTERNVIT, BEIT, UNIPERCEIVER }

    enum Side { CLASSIFICATION, DETECTION, SEGMENTATION }

    final Family family;
    final Side side;
    final int dim;
    final int depth;
    final int heads;
    final int hidden;
    final int patch;
    final int pretrainImg;
    /** Classification {@code img_size} (after convert_mmdet_config: the real size); mmseg InternViT {@code img_size}. */
    final int imgSize;
    final boolean qkvBias;
    final boolean[] window;
    final int[] windowSize;
    /** DeiT dense: {@code WindowedFlashAttention} pads the windows before its qkv projection. */
    final boolean flashWindows;
    final boolean layerScale;
    final boolean qkNorm;
    final boolean rms;
    final boolean fusedMlp;
    final boolean clsToken;
    final boolean normAndHead;
    final boolean absPos;
    final int numClasses;

    private VitBranch(Family family, Side side, JsonPath b, boolean normAndHead) {
        this.family = family;
        this.side = side;
        this.normAndHead = normAndHead;
        this.numClasses = b.positive("num_classes", 1000);
        boolean cls = side == Side.CLASSIFICATION;
        boolean intern = family == Family.INTERNVIT;
        dim = b.positive("embed_dim", intern ? 3200 : 768);
        depth = b.positive("depth", intern ? 48 : 12);
        heads = b.positive("num_heads", intern ? 25 : 12);
        if (dim % heads != 0) {
            throw b.error("num_heads", "embed_dim " + dim + " is not divisible by num_heads " + heads);
        }
        hidden = (int) (dim * b.number("mlp_ratio", 4.0));
        patch = b.positive("patch_size", intern && !cls ? 14 : 16);
        pretrainImg = b.positive("pretrain_img_size", family == Family.BEIT ? 512 : 224);
        imgSize = b.positive("img_size", 224);
        qkvBias = family == Family.UNIPERCEIVER || b.bool("qkv_bias", false);
        if (family == Family.DEIT) {
            // vit_models: window_size[i] if window_attn[i] is True else -1
            boolean[] wa = b.boolsPerBlock("window_attn", depth, false);
            int[] ws = b.intsPerBlock("window_size", depth, -1);
            window = new boolean[depth];
            windowSize = new int[depth];
            for (int i = 0; i < depth; i++) {
                window[i] = wa[i] && ws[i] > 0;
                windowSize[i] = ws[i];
            }
        } else {
            window = b.boolsPerBlock("window_attn", depth, false);
            windowSize = b.intsPerBlock("window_size", depth, 14);
        }
        for (int i = 0; i < depth; i++) {
            if (window[i] && windowSize[i] <= 0) {
                throw b.error("window_size", "expected a positive window size for block " + i + ", got " + windowSize[i]);
            }
        }
        // the classification DeiT blocks run with USE_FLASH_ATTN=False (get_flops.py sets it): no padded qkv
        flashWindows = family == Family.DEIT && !cls && b.bool("use_flash_attn", false);
        layerScale = switch (family) {
            case DEIT, UNIPERCEIVER -> true;
            case INTERNVIT -> b.contains("init_values") ? b.truthy("init_values", false) : !cls; // dense default 0.1
            case BEIT -> b.has("init_values");
        };
        qkNorm = intern && b.bool("qk_normalization", !cls);
        rms = intern && "RMSNorm".equals(b.string("norm_layer_type", cls ? "ln" : "RMSNorm"));
        // get_flops.py forces mlp_type "regular"; the dense scripts keep the fused MLP, whose linears mmcv never sees
        fusedMlp = intern && !cls && "fused_mlp".equals(b.string("mlp_type", "regular"));
        clsToken = cls && (family == Family.DEIT || intern) && b.bool("use_cls_token", true);
        absPos = family == Family.BEIT && b.bool("use_abs_pos_emb", false);
    }

    static VitBranch of(Family family, Side side, JsonPath branch, boolean normAndHead) {
        return new VitBranch(family, side, branch, normAndHead);
    }

    /** The reference's choice of class for a dense branch from its {@code pretrained} name. */
    static Family denseFamily(String pretrained) {
        String p = pretrained == null ? "" : pretrained;
        if (p.contains("deit")) {
            return Family.DEIT;
        } else if (p.contains("beit")) {
            return Family.BEIT;
        } else if (p.contains("perceiver")) {
            return Family.UNIPERCEIVER;
        }
        return Family.INTERNVIT;
    }

    private long normParams() {
        return rms ? dim : 2L * dim;
    }

    /** Position-embedding rows (tokens) the parameter holds. */
    long posEmbedRows() {
        long pre = (long) (pretrainImg / patch) * (pretrainImg / patch);
        long img = (long) (imgSize / patch) * (imgSize / patch);
        return switch (family) {
            case DEIT -> side == Side.DETECTION ? pre : img; // mmseg's variant keeps its table at the branch's own grid
            case INTERNVIT -> (side == Side.DETECTION ? pre : img) + 1;
            case BEIT -> absPos ? pre : 0;
            case UNIPERCEIVER -> pre + 8; // spatial nn.Embedding + 8 temporal positions
        };
    }

    long blockParams(int i) {
        long c = dim;
        long p = 0;
        long norm = family == Family.INTERNVIT ? normParams() : 2 * c;
        p += 2 * norm; // norm1, norm2
        switch (family) {
            case DEIT, INTERNVIT -> {
                p += Tally.linearParams(c, 3 * c, qkvBias) + Tally.linearParams(c, c, true);
                if (qkNorm) {
                    p += 2 * normParams();
                }
            }
            case BEIT -> {
                long span = 2L * windowSize[i] - 1;
                p += 3 * c * c + (qkvBias ? 2 * c : 0) + span * span * heads + Tally.linearParams(c, c, true);
            }
            case UNIPERCEIVER -> p += Tally.linearParams(c, 3 * c, true) + Tally.linearParams(c, c, true);
        }
        if (layerScale) {
            p += 2 * c;
        }
        p += Tally.linearParams(c, hidden, true) + Tally.linearParams(hidden, c, true);
        return p;
    }

    long params() {
        long p = Tally.convParams(3, dim, patch, 1, true) + posEmbedRows() * dim;
        if (family == Family.UNIPERCEIVER) {
            p += 2L * dim; // embeddings_norm
        }
        if (clsToken) {
            p += dim;
        }
        for (int i = 0; i < depth; i++) {
            p += blockParams(i);
        }
        if (normAndHead) {
            p += (family == Family.INTERNVIT ? normParams() : 2L * dim) + Tally.linearParams(dim, numClasses, true);
        }
        return p;
    }

    /** Patch embedding and position embedding of an h×w image; returns the token grid {H, W}. */
    long[] embed(Tally t, String g, long h, long w) {
        long gh = h / patch;
        long gw = w / patch;
        long n = gh * gw;
        t.conv(g, gh, gw, 3, dim, patch, 1, true);
        switch (family) {
            case DEIT -> {
                if (side != Side.CLASSIFICATION) {
                    t.bicubic(g, n * dim); // resized from the pretraining grid on every forward
                }
                t.elementwise(g, n * dim);
            }
            case INTERNVIT -> {
                if (side != Side.SEGMENTATION) {
                    t.bicubic(g, n * dim);
                }
                t.elementwise(g, n * dim);
            }
            case BEIT -> {
            }
            case UNIPERCEIVER -> {
                t.bicubic(g, n * dim);
                t.elementwise(g, 2 * n * dim); // + spatial + temporal position
                t.norm(g, n * dim, true, true); // embeddings_norm
            }
        }
        return new long[] {gh, gw};
    }

    /** Block i on an H×W token grid (plus the class token where the classification model carries one). */
    void block(Tally t, String g, int i, long gh, long gw, boolean withCls) {
        long c = dim;
        long n = gh * gw + (withCls ? 1 : 0);
        norm(t, g, n * c);
        boolean win = window[i];
        long ws = windowSize[i];
        long padded = win ? ceil(gh, ws) * ws * ceil(gw, ws) * ws : n;
        long qkvRows = switch (family) {
            case DEIT -> win && flashWindows ? padded : n;
            default -> padded;
        };
        long projRows = family == Family.BEIT ? padded : n;
        // BEiT's qkv goes through F.linear with the module's weight: mmcv's hook never fires
        t.linear(g, qkvRows, c, 3 * c, qkvBias, family != Family.BEIT);
        if (qkNorm) {
            norm(t, g, qkvRows * c);
            norm(t, g, qkvRows * c);
        }
        long keys = win ? ws * ws : n;
        long queries = win ? padded : n;
        t.actual(g, 2 * queries * keys * c); // QKᵀ and attention·V
        t.softmax(g, heads * queries * keys);
        t.elementwise(g, queries * c); // query scaling
        if (family == Family.BEIT) {
            t.elementwise(g, heads * queries * keys); // relative position bias
        }
        t.linear(g, projRows, c, c, true, true);
        t.elementwise(g, n * c * (layerScale ? 2 : 1)); // layer scale, residual
        norm(t, g, n * c);
        t.linear(g, n, c, hidden, true, !fusedMlp);
        t.gelu(g, n * hidden);
        t.linear(g, n, hidden, c, true, !fusedMlp);
        t.elementwise(g, n * c * (layerScale ? 2 : 1));
    }

    /** The branch's own final norm and classifier (classification {@code separate_head}); the norm sees n tokens. */
    void head(Tally t, String g, long n) {
        norm(t, g, n * dim);
        t.linear(g, 1, dim, numClasses, true, true);
    }

    private void norm(Tally t, String g, long elements) {
        if (rms) {
            t.rmsNorm(g, elements);
        } else {
            t.norm(g, elements, true, true);
        }
    }

    static long ceil(long a, long b) {
        return (a + b - 1) / b;
    }
}
