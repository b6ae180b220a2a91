package io.piip4j.backbone;

import io.piip4j.backbone.branch.Branch;
import io.piip4j.config.BranchConfig;
import io.piip4j.config.ConfigException;
import io.piip4j.config.PiipConfig;
import io.piip4j.nn.ConvTranspose2d;
import io.piip4j.nn.GroupNorm;
import org.bytedeco.pytorch.Tensor;

/**
 * A single-branch baseline backbone of the paper's comparisons ({@code vit_models},
 * {@code InternViT6B}, {@code ConvNextHFWrapper} used alone), described by its parameters under
 * the reference's keys (no branch prefix). Only its structure is supported: {@code piip info}
 * counts it; running it is not supported yet.
 */
public final class BaselineBackbone extends DenseBackbone {
    private final PiipConfig config;

    public BaselineBackbone(PiipConfig config) {
        if (!config.isBaseline()) {
            throw new IllegalArgumentException("not a single-branch baseline config: " + config.typeName());
        }
        this.config = config;
        BranchConfig b = config.branches().get(0);
        child("", Branch.createDense(b));
        if (config.dense().baselineSimpleFpn()) {
            // ConvNextHFWrapper(with_simple_fpn=True): its own 8×, 4×, 2× upsampling pyramids
            long d = b.embedDim();
            Sequential fpn1 = child("fpn1", new Sequential());
            fpn1.at(0, new ConvTranspose2d(d, d, 2, 2));
            fpn1.at(1, new GroupNorm(32, d));
            fpn1.at(3, new ConvTranspose2d(d, d, 2, 2));
            fpn1.at(4, new GroupNorm(32, d));
            fpn1.at(6, new ConvTranspose2d(d, d, 2, 2));
            Sequential fpn2 = child("fpn2", new Sequential());
            fpn2.at(0, new ConvTranspose2d(d, d, 2, 2));
            fpn2.at(1, new GroupNorm(32, d));
            fpn2.at(3, new ConvTranspose2d(d, d, 2, 2));
            child("fpn3", new Sequential()).at(0, new ConvTranspose2d(d, d, 2, 2));
        }
    }

    @Override
    public PiipConfig config() {
        return config;
    }

    @Override
    public FeaturePyramid forwardFeatures(Tensor image) {
        throw notRunnable(config);
    }

    static ConfigException notRunnable(PiipConfig config) {
        return new ConfigException(config.typeName() + ": single-branch baseline backbones are not supported yet "
                + "(piip info gives their parameter count)");
    }
}
