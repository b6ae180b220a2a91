package io.piip4j.llava.tower;

import java.util.List;
import java.util.function.BiConsumer;
import org.bytedeco.pytorch.Tensor;

/**
 * A timm ConvNeXt branch ({@code ConvNextTimmWrapper}, {@code model_type: convnext_timm}) under
 * {@code convnext_model}: the stem embeds the image; every downsampling layer and every block is one
 * of the release's "blocks", whose strides the config lists ({@code downsample_ratios}). No class token.
 */
public final class TimmConvNextBranch extends TowerBranch {
    /** The name of the tap after the stem. */
    public static final String STEM = "stem";

    private final TimmConvNext convnext;
    private final long imgSize;
    private final long[] downsampleRatios;

    public TimmConvNextBranch(ConvNextConfig cfg, long imgSize, long[] downsampleRatios) {
        this.convnext = child("convnext_model", new TimmConvNext(cfg));
        this.imgSize = imgSize;
        if (downsampleRatios.length != convnext.layers().size()) {
            throw new IllegalArgumentException("downsample_ratios lists " + downsampleRatios.length + " strides for a ConvNeXt of "
                    + convnext.layers().size() + " blocks (downsampling layers included)");
        }
        this.downsampleRatios = downsampleRatios.clone();
    }

    @Override
    public long imgSize() {
        return imgSize;
    }

    @Override
    public int numBlocks() {
        return convnext.layers().size();
    }

    @Override
    public long outDim(int block) {
        return convnext.layers().get(block).outChannels();
    }

    @Override
    public long downsampleRatio(int block) {
        return downsampleRatios[block];
    }

    @Override
    public TokenGrid embed(Tensor image, BiConsumer<String, Tensor> tap) {
        Tensor x = convnext.stem(image);
        if (tap != null) {
            tap.accept(STEM, x);
        }
        return toGrid(x);
    }

    @Override
    public TokenGrid runBlocks(int first, int last, TokenGrid in) {
        Tensor x = in.map();
        List<ConvNextLayer> layers = convnext.layers();
        for (int i = first; i <= last; i++) {
            x = layers.get(i).forward(x);
        }
        return toGrid(x);
    }

    private static TokenGrid toGrid(Tensor map) {
        long b = map.size(0);
        long c = map.size(1);
        long h = map.size(2);
        long w = map.size(3);
        return new TokenGrid(map.reshape(b, c, h * w).transpose(1, 2), null, h, w);
    }
}
