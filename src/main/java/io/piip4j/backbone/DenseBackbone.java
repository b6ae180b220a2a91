package io.piip4j.backbone;

import io.piip4j.config.PiipConfig;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * A backbone of the detection and segmentation models: one image batch in, a typed
 * {@link FeaturePyramid} out, for a neck to consume.
 */
public abstract class DenseBackbone extends PiipNetwork {

    /** images (B, 3, H, W) at the last branch's resolution → the feature pyramid, finest first. */
    public abstract FeaturePyramid forwardFeatures(Tensor image);

    /** The pyramid's maps in the reference's order. */
    @Override
    public final List<Tensor> forwardOutputs(Tensor image) {
        return forwardFeatures(image).maps();
    }

    /** The dense backbone a config describes (PIIP or single-branch baseline), nothing allocated. */
    public static DenseBackbone structure(PiipConfig cfg) {
        return cfg.isBaseline() ? new BaselineBackbone(cfg) : new PiipDenseBackbone(cfg);
    }
}
