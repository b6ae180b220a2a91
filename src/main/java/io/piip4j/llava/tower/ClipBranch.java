package io.piip4j.llava.tower;

import io.piip4j.tensor.F;
import java.util.function.BiConsumer;
import org.bytedeco.pytorch.Tensor;

/**
 * A CLIP branch ({@code CLIPHFWrapper}, {@code model_type: clip_hf}): the vision model under
 * {@code clip_model}, each encoder layer one block. The class token joins the patch tokens inside
 * each run of blocks and is split off again before an interaction.
 */
public final class ClipBranch extends TowerBranch {
    /** The name of the tap after the embedding's pre-LayerNorm (class token included). */
    public static final String PRE_LAYRNORM = "pre_layrnorm";

    private final ClipVisionTransformer clip;
    private final long imgSize;
    private final long patchSize;
    private final boolean useClsToken;
    private final int layers;
    private final long hidden;

    public ClipBranch(ClipVisionConfig cfg, long imgSize, boolean useClsToken) {
        if (imgSize % cfg.patchSize() != 0) {
            throw new IllegalArgumentException("img_size " + imgSize + " is not a multiple of patch size " + cfg.patchSize());
        }
        this.clip = child("clip_model", new ClipVisionTransformer(cfg));
        this.imgSize = imgSize;
        this.patchSize = cfg.patchSize();
        this.useClsToken = useClsToken;
        this.layers = cfg.numHiddenLayers();
        this.hidden = cfg.hiddenSize();
    }

    @Override
    public long imgSize() {
        return imgSize;
    }

    @Override
    public int numBlocks() {
        return layers;
    }

    @Override
    public long outDim(int block) {
        return hidden;
    }

    @Override
    public long downsampleRatio(int block) {
        return patchSize;
    }

    @Override
    public TokenGrid embed(Tensor image, BiConsumer<String, Tensor> tap) {
        ClipEmbeddings.Embedded e = clip.embeddings.forward(image);
        Tensor x = clip.preLayrnorm.forward(e.tokens());
        if (tap != null) {
            tap.accept(PRE_LAYRNORM, x);
        }
        long n = x.size(1);
        Tensor cls = useClsToken ? F.slice(x, 1, 0, 1) : null;
        return new TokenGrid(F.slice(x, 1, 1, n), cls, e.h(), e.w());
    }

    @Override
    public TokenGrid runBlocks(int first, int last, TokenGrid in) {
        Tensor x = in.cls() == null ? in.tokens() : F.cat(1, in.cls(), in.tokens());
        for (int i = first; i <= last; i++) {
            x = clip.encoder.layers.get(i).forward(x);
        }
        if (in.cls() == null) {
            return new TokenGrid(x, null, in.h(), in.w());
        }
        long n = x.size(1);
        return new TokenGrid(F.slice(x, 1, 1, n), F.slice(x, 1, 0, 1), in.h(), in.w());
    }
}
