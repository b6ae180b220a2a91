package io.piip4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.piip4j.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/** BatchNorm2d by hand: batch statistics and running-statistic updates in training, running statistics in eval. */
class BatchNorm2dTest {

    private static BatchNorm2d fresh() {
        BatchNorm2d bn = new BatchNorm2d(1);
        bn.namedParameters().get("weight").set(Tensors.fromFloats(new float[] {2f}, 1));
        bn.namedParameters().get("bias").set(Tensors.fromFloats(new float[] {0.5f}, 1));
        bn.namedParameters().get("running_mean").set(torch.zeros(1));
        bn.namedParameters().get("running_var").set(torch.ones(1));
        bn.namedParameters().get("num_batches_tracked").set(torch.zeros(new long[] {}, new TensorOptions(torch.ScalarType.Long)));
        return bn;
    }

    @Test
    void trainingNormalisesByTheBatchAndUpdatesTheRunningStatistics() {
        BatchNorm2d bn = fresh();
        bn.train(true);
        // one channel, values 1, 2, 3, 6: mean 3, biased variance 3.5, unbiased 14/3
        Tensor x = Tensors.fromFloats(new float[] {1, 2, 3, 6}, 2, 1, 1, 2);
        float[] y = Tensors.toFloats(bn.forward(x));
        double sd = Math.sqrt(3.5 + BatchNorm2d.EPS);
        float[] expected = new float[4];
        float[] in = {1, 2, 3, 6};
        for (int i = 0; i < 4; i++) {
            expected[i] = (float) ((in[i] - 3) / sd * 2 + 0.5);
        }
        assertArrayEquals(expected, y, 1e-5f);
        assertEquals(0.1 * 3, Tensors.toFloats(bn.namedParameters().get("running_mean").get())[0], 1e-6);
        assertEquals(0.9 + 0.1 * 14.0 / 3, Tensors.toFloats(bn.namedParameters().get("running_var").get())[0], 1e-6);
        assertEquals(1L, bn.namedParameters().get("num_batches_tracked").get().item_long());
        bn.forward(x);
        assertEquals(2L, bn.namedParameters().get("num_batches_tracked").get().item_long());
    }

    @Test
    void evalUsesTheRunningStatistics() {
        BatchNorm2d bn = fresh();
        bn.train(false);
        float[] y = Tensors.toFloats(bn.forward(Tensors.fromFloats(new float[] {1, 2, 3, 6}, 2, 1, 1, 2)));
        double sd = Math.sqrt(1 + BatchNorm2d.EPS);
        assertArrayEquals(new float[] {(float) (1 / sd * 2 + 0.5), (float) (2 / sd * 2 + 0.5), (float) (3 / sd * 2 + 0.5),
            (float) (6 / sd * 2 + 0.5)}, y, 1e-5f);
        assertEquals(0L, bn.namedParameters().get("num_batches_tracked").get().item_long());
    }

    @Test
    void oneValuePerChannelInTrainingIsAClearError() {
        BatchNorm2d bn = fresh();
        bn.train(true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> bn.forward(Tensors.fromFloats(new float[] {1}, 1, 1, 1, 1)));
        assertEquals(true, e.getMessage().contains("batch of 2 or more"), e.getMessage());
    }
}
