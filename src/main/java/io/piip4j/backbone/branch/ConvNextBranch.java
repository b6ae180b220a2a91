package io.piip4j.backbone.branch;

import io.piip4j.config.BranchConfig;
import io.piip4j.config.ConvNextSpec;
import io.piip4j.nn.Conv2d;
import io.piip4j.nn.LayerNorm;
import io.piip4j.nn.Linear;
import io.piip4j.nn.Module;

/**
 * A ConvNeXt branch ({@code ConvNextHFWrapper}: Hugging Face's {@code ConvNextModel} under
 * {@code convnext_model}), described by its parameters: the 4×4 patchify stem with a
 * channels-first LayerNorm, per stage a downsampling layer (LayerNorm, 2×2 stride-2 conv; none in
 * stage 0) and blocks (7×7 depthwise conv, LayerNorm, two pointwise linears, layer scale), and the
 * model's final LayerNorm.
 */
final class ConvNextBranch extends DescribedBranch {

    ConvNextBranch(BranchConfig cfg) {
        super(cfg);
        child("convnext_model", new Model(cfg.convnext()));
    }

    static final class Model extends Module {
        Model(ConvNextSpec spec) {
            child("embeddings", new Embeddings(spec));
            child("encoder", new Encoder(spec));
            child("layernorm", new LayerNorm(spec.width(), 1e-12));
        }
    }

    static final class Embeddings extends Module {
        Embeddings(ConvNextSpec spec) {
            int p = spec.patchSize();
            child("patch_embeddings", new Conv2d(3, spec.hiddenSizes()[0], p, p, 0, 1, true));
            child("layernorm", new LayerNorm(spec.hiddenSizes()[0], 1e-6));
        }
    }

    static final class Encoder extends Module {
        Encoder(ConvNextSpec spec) {
            ModuleList<Stage> stages = child("stages", new ModuleList<>());
            for (int s = 0; s < spec.numStages(); s++) {
                stages.add(new Stage(spec, s));
            }
        }
    }

    static final class Stage extends Module {
        Stage(ConvNextSpec spec, int s) {
            int width = spec.hiddenSizes()[s];
            if (spec.downsamples(s)) {
                int in = spec.hiddenSizes()[s - 1];
                Sequential down = child("downsampling_layer", new Sequential());
                down.at(0, new LayerNorm(in, 1e-6));
                down.at(1, new Conv2d(in, width, 2, 2, 0, 1, true));
            }
            ModuleList<Layer> layers = child("layers", new ModuleList<>());
            for (int i = 0; i < spec.depths()[s]; i++) {
                layers.add(new Layer(width, spec.layerScaleInit() > 0));
            }
        }
    }

    static final class Layer extends Module {
        Layer(int dim, boolean layerScale) {
            if (layerScale) {
                parameter("layer_scale_parameter", dim);
            }
            child("dwconv", new Conv2d(dim, dim, 7, 1, 3, dim, true));
            child("layernorm", new LayerNorm(dim, 1e-6));
            child("pwconv1", new Linear(dim, 4L * dim));
            child("pwconv2", new Linear(4L * dim, dim));
        }
    }
}
