package io.piip4j.data;

import static io.piip4j.testing.FuzzChecks.MAX_INPUT_BYTES;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.piip4j.testing.FuzzChecks;
import java.nio.file.Path;

/**
 * Coverage-guided fuzzing of the IDX (MNIST-format) reader, plain and gzip-compressed; seeds in
 * {@code IdxFileFuzzTestInputs/idx/}.
 */
class IdxFileFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void idx(byte[] data) {
        if (data.length > MAX_INPUT_BYTES) {
            return;
        }
        Path f = FuzzChecks.write(FuzzChecks.scratchFile("idx-input.idx"), data);
        FuzzChecks.check(() -> {
            IdxFile idx = IdxFile.read(f);
            long n = 1;
            for (int d : idx.dims()) {
                n *= d;
            }
            if (n != idx.data().length) {
                throw new AssertionError("header " + java.util.Arrays.toString(idx.dims()) + " but " + idx.data().length + " bytes");
            }
        }, DataException.class, f + ": ");
    }
}
