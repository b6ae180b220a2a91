package io.piip4j.backbone.branch;

import io.piip4j.config.BranchConfig;
import io.piip4j.config.ConfigException;
import io.piip4j.config.ConvNextSpec;
import io.piip4j.nn.Conv2d;
import io.piip4j.nn.LayerNorm;
import io.piip4j.nn.Module;
import io.piip4j.tensor.Scoped;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * A ConvNeXt branch ({@code ConvNextHFWrapper}: Hugging Face's {@code ConvNextModel} under
 * {@code convnext_model}, so {@code facebook/convnext-*} weights load by name): the 4×4 patchify
 * stem with a channels-first LayerNorm, then the stages' units run one by one as the wrapper lists
 * them, a stage's downsampling layer counting as a block of its own ({@link ConvNextBlocks}). The
 * interactions see the feature maps flattened into tokens; the grid shrinks at each downsampling
 * layer, as {@code downsample_ratios} says. The model's final LayerNorm is loaded but unused.
 */
public final class ConvNextBranch extends Branch {
    private final Model model;
    private final List<ConvNextBlocks.Unit> units = new ArrayList<>();

    ConvNextBranch(BranchConfig cfg) {
        super(cfg);
        this.model = child("convnext_model", new Model(cfg.convnext()));
        for (Stage s : model.encoder.stages.items()) {
            if (s.downsampling != null) {
                units.add(s.downsampling);
            }
            units.addAll(s.layers.items());
        }
        checkRatios(cfg);
    }

    /** The wrapper's assertion, checked up front: each block's ratio to the previous one is its stride. */
    private void checkRatios(BranchConfig cfg) {
        int[] r = cfg.downsampleRatios();
        if (r == null) {
            return; // a single-branch baseline: no interactions
        }
        if (r[0] != cfg.convnext().patchSize()) {
            throw new ConfigException(cfg.name() + ".downsample_ratios: the first block is at stride "
                    + cfg.convnext().patchSize() + " (the stem's patch size), got " + r[0]);
        }
        for (int i = 1; i < r.length; i++) {
            if (r[i] != r[i - 1] * units.get(i).stride()) {
                throw new ConfigException(cfg.name() + ".downsample_ratios: block " + i + " is at stride "
                        + r[i - 1] * units.get(i).stride() + " (" + (units.get(i).stride() == 2 ? "a downsampling layer" : "a layer")
                        + " after stride " + r[i - 1] + "), got " + r[i]);
            }
        }
    }

    @Override
    public Embedded embed(Tensor image) {
        Tensor map = model.embeddings.forward(image);
        return new Embedded(ConvNextBlocks.toTokens(map), null, map.size(2), map.size(3));
    }

    @Override
    public List<? extends TokenBlock> blocks() {
        return Collections.unmodifiableList(units);
    }

    /** Runs units [first, last] on the map of the tokens; the grid it returns is the last unit's. */
    @Override
    public Embedded forwardBlocks(Embedded e, int first, int last) {
        Tensor map = ConvNextBlocks.toMap(e.tokens(), e.h(), e.w());
        for (int i = first; i <= last; i++) {
            ConvNextBlocks.Unit unit = units.get(i);
            Tensor in = map;
            map = Scoped.one(() -> unit.forwardMap(in));
        }
        return new Embedded(ConvNextBlocks.toTokens(map), null, map.size(2), map.size(3));
    }

    /** The feature map after every stage ({@code hidden_states[1:]}), for the single-branch baseline. */
    public List<Tensor> stageMaps(Tensor image) {
        Tensor map = model.embeddings.forward(image);
        List<Tensor> out = new ArrayList<>();
        for (Stage s : model.encoder.stages.items()) {
            Tensor in = map;
            map = Scoped.one(() -> s.forward(in));
            out.add(map);
        }
        return out;
    }

    static final class Model extends Module {
        private final Embeddings embeddings;
        private final Encoder encoder;

        Model(ConvNextSpec spec) {
            this.embeddings = child("embeddings", new Embeddings(spec));
            this.encoder = child("encoder", new Encoder(spec));
            child("layernorm", new LayerNorm(spec.width(), 1e-12)); // HF's pooled-output norm
        }
    }

    /** {@code embeddings}: {@code patch_embeddings} (p×p stride-p conv) and a channels-first {@code layernorm}. */
    static final class Embeddings extends Module {
        private final Conv2d patch;
        private final ChannelsFirstLayerNorm norm;

        Embeddings(ConvNextSpec spec) {
            int p = spec.patchSize();
            this.patch = child("patch_embeddings", new Conv2d(3, spec.hiddenSizes()[0], p, p, 0, 1, true));
            this.norm = child("layernorm", new ChannelsFirstLayerNorm(spec.hiddenSizes()[0], 1e-6));
        }

        Tensor forward(Tensor image) {
            return norm.forward(patch.forward(image));
        }
    }

    static final class Encoder extends Module {
        private final ModuleList<Stage> stages;

        Encoder(ConvNextSpec spec) {
            this.stages = child("stages", new ModuleList<>());
            for (int s = 0; s < spec.numStages(); s++) {
                stages.add(new Stage(spec, s));
            }
        }
    }

    static final class Stage extends Module {
        private final ConvNextBlocks.Downsampling downsampling;
        private final ModuleList<ConvNextBlocks.Layer> layers;

        Stage(ConvNextSpec spec, int s) {
            int width = spec.hiddenSizes()[s];
            this.downsampling = spec.downsamples(s)
                    ? child("downsampling_layer", new ConvNextBlocks.Downsampling(spec.hiddenSizes()[s - 1], width))
                    : null;
            this.layers = child("layers", new ModuleList<>());
            for (int i = 0; i < spec.depths()[s]; i++) {
                layers.add(new ConvNextBlocks.Layer(width, spec.layerScaleInit() > 0));
            }
        }

        Tensor forward(Tensor map) {
            Tensor x = downsampling == null ? map : downsampling.forwardMap(map);
            for (ConvNextBlocks.Layer layer : layers.items()) {
                x = layer.forwardMap(x);
            }
            return x;
        }
    }
}
