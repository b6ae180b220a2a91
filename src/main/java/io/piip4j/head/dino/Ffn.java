package io.piip4j.head.dino;

import io.piip4j.nn.Linear;
import io.piip4j.nn.Module;
import io.piip4j.tensor.F;
import org.bytedeco.pytorch.Tensor;

/**
 * mmcv's {@code FFN} with two layers: {@code x + fc2(ReLU(fc1(x)))}, the layers named as mmcv's
 * {@code Sequential(Sequential(Linear, act, Dropout), Linear, Dropout)} ({@code layers.0.0},
 * {@code layers.1}).
 */
public final class Ffn extends Module {
    private final Linear fc1;
    private final Linear fc2;

    public Ffn(long dim, long hidden) {
        Sequential layers = child("layers", new Sequential());
        this.fc1 = layers.at(0, new Sequential()).at(0, new Linear(dim, hidden));
        this.fc2 = layers.at(1, new Linear(hidden, dim));
    }

    public Tensor forward(Tensor x) {
        return x.add(fc2.forward(F.relu(fc1.forward(x))));
    }
}
