package io.piip4j.llava.tower;

import io.piip4j.nn.Conv2d;
import io.piip4j.nn.Module;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * timm's {@code ConvNeXt} (built with {@code num_classes=0}) by its state-dict names:
 * {@code stem.0} (4×4 stride-4 conv), {@code stem.1} (LayerNorm2d), {@code stages.N.downsample}
 * (absent in stage 0), {@code stages.N.blocks.M}, and {@code head.norm}, which the tower never
 * applies but the checkpoints carry.
 */
public final class TimmConvNext extends Module {
    private final Conv2d stemConv;
    private final LayerNorm2d stemNorm;
    /** The downsampling layers and blocks in order: the release's numbering of "blocks". */
    private final List<ConvNextLayer> layers = new ArrayList<>();

    public TimmConvNext(ConvNextConfig cfg) {
        long[] dims = cfg.dims();
        int[] depths = cfg.depths();
        Sequential stem = child("stem", new Sequential());
        this.stemConv = stem.at(0, new Conv2d(3, dims[0], 4, 4, 0, 1, true));
        this.stemNorm = stem.at(1, new LayerNorm2d(dims[0]));
        ModuleList<Stage> stages = child("stages", new ModuleList<>());
        for (int s = 0; s < dims.length; s++) {
            Stage stage = stages.add(new Stage(s == 0 ? null : dims[s - 1], dims[s], depths[s]));
            if (stage.downsample != null) {
                layers.add(stage.downsample);
            }
            layers.addAll(stage.blocks.items());
        }
        child("head", new Head(dims[dims.length - 1]));
    }

    public Tensor stem(Tensor image) {
        return stemNorm.forward(stemConv.forward(image));
    }

    public List<ConvNextLayer> layers() {
        return Collections.unmodifiableList(layers);
    }

    /** A stage: an optional downsampling layer and its blocks. */
    static final class Stage extends Module {
        final ConvNextDownsample downsample;
        final ModuleList<ConvNextBlock> blocks;

        Stage(Long in, long out, int depth) {
            this.downsample = in == null ? null : child("downsample", new ConvNextDownsample(in, out));
            this.blocks = child("blocks", new ModuleList<>());
            for (int i = 0; i < depth; i++) {
                blocks.add(new ConvNextBlock(out));
            }
        }
    }

    /** The classifier head's parameters that remain with {@code num_classes=0}: {@code head.norm}. */
    static final class Head extends Module {
        Head(long channels) {
            child("norm", new LayerNorm2d(channels));
        }
    }
}
