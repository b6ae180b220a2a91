package io.piip4j.weights;

import static io.piip4j.testing.FuzzChecks.MAX_INPUT_BYTES;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.piip4j.tensor.NdArray;
import io.piip4j.testing.FuzzChecks;

/** Coverage-guided fuzzing of the {@code .safetensors} reader; seeds in {@code SafetensorsFuzzTestInputs/safetensors/}. */
class SafetensorsFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void safetensors(byte[] data) {
        if (data.length > MAX_INPUT_BYTES) {
            return;
        }
        FuzzChecks.check(() -> {
            SafetensorsReader.Contents c = SafetensorsReader.read(data, "fuzz");
            long total = 0;
            for (NdArray a : c.tensors().values()) {
                total += a.data().remaining();
            }
            if (total > data.length) {
                throw new AssertionError("tensors hold more bytes than the file: " + total + " > " + data.length);
            }
        }, CheckpointException.class, "fuzz: ");
    }
}
