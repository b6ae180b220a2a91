package io.piip4j.backbone.branch;

import io.piip4j.nn.LayerNorm;
import io.piip4j.nn.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * A LayerNorm over the channels of a (B, C, H, W) map, with plain {@code weight}/{@code bias}
 * keys: Hugging Face's {@code ConvNextLayerNorm(data_format="channels_first")} and the
 * {@code LayerNorm} of the reference's ViT backbones' output layers.
 */
final class ChannelsFirstLayerNorm extends Module {
    private final LayerNorm norm;

    ChannelsFirstLayerNorm(long dim, double eps) {
        this.norm = child("", new LayerNorm(dim, eps));
    }

    Tensor forward(Tensor map) {
        return norm.forward(map.permute(0, 2, 3, 1)).permute(0, 3, 1, 2);
    }
}
