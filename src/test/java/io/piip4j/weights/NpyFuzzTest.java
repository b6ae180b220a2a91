package io.piip4j.weights;

import static io.piip4j.testing.FuzzChecks.MAX_INPUT_BYTES;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.piip4j.tensor.NdArray;
import io.piip4j.testing.FuzzChecks;
import java.nio.file.Path;

/** Coverage-guided fuzzing of the {@code .npy} reader; seeds in {@code NpyFuzzTestInputs/npy/}. */
class NpyFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void npy(byte[] data) {
        if (data.length > MAX_INPUT_BYTES) {
            return;
        }
        Path f = FuzzChecks.write(FuzzChecks.scratchFile("npy-input.npy"), data);
        FuzzChecks.check(() -> {
            NdArray a = Npy.read(f);
            if (a.numel() * a.dtype().byteSize() > data.length) {
                throw new AssertionError("an array larger than its file: " + a);
            }
        }, CheckpointException.class, f + ": ");
    }
}
