package io.piip4j.head.dino;

import io.piip4j.nn.MSDeformAttn;
import io.piip4j.nn.Module;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/** mmdet's {@code DetrTransformerEncoder} of deformable layers (post-norm layers, no final norm). */
final class DeformableEncoder extends Module {
    private final ModuleList<EncoderLayer> layers = child("layers", new ModuleList<>());

    DeformableEncoder(TransformerSpec spec) {
        for (int i = 0; i < spec.encoderLayers(); i++) {
            layers.add(new EncoderLayer(spec));
        }
    }

    List<MSDeformAttn> attentions() {
        return layers.items().stream().map(EncoderLayer::attention).toList();
    }

    Tensor forward(Tensor x, Tensor pos, Tensor reference, MSDeformAttn.Levels levels, Tensor padding) {
        Tensor out = x;
        for (EncoderLayer layer : layers.items()) {
            out = layer.forward(out, pos, reference, levels, padding);
        }
        return out;
    }
}
