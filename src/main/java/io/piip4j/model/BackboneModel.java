package io.piip4j.model;

import io.piip4j.backbone.DenseBackbone;
import io.piip4j.backbone.FeaturePyramid;
import io.piip4j.config.PiipConfig;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * A detection / segmentation backbone on its own (no neck or heads yet): images in, the typed
 * feature pyramid out. The detector and segmentor task models will hold one as {@code backbone}.
 */
public final class BackboneModel extends TaskModel {
    private final DenseBackbone backbone;

    public BackboneModel(DenseBackbone backbone) {
        this.backbone = child("", backbone);
    }

    @Override
    public PiipConfig config() {
        return backbone.config();
    }

    /** Any size: the position embeddings are resized; the last branch's {@code img_size} is nominal. */
    @Override
    public InputSpec input() {
        PiipConfig c = backbone.config();
        return new InputSpec(c.branches().get(c.numBranches() - 1).imgSize(), false);
    }

    public FeaturePyramid features(Tensor images) {
        return backbone.forwardFeatures(images);
    }

    @Override
    public List<Tensor> forwardOutputs(Tensor images) {
        return features(images).maps();
    }
}
