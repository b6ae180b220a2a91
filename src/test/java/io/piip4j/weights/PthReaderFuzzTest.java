package io.piip4j.weights;

import static io.piip4j.testing.FuzzChecks.MAX_INPUT_BYTES;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.piip4j.testing.FuzzChecks;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Coverage-guided fuzzing of the {@code .pth} reader (Jazzer). Under plain {@code mvn test} each
 * target runs once per file of its seed corpus in
 * {@code src/test/resources/io/piip4j/weights/PthReaderFuzzTestInputs/<method>/} (real
 * checkpoints, hostile pickles, and every crash found so far); with {@code JAZZER_FUZZ=1} one
 * target at a time is fuzzed for its {@code maxDuration} (CI: {@code .ci/fuzz}).
 */
class PthReaderFuzzTest {

    /** Small caps: no fuzz input may make the reader hold more than a few MB. */
    private static final PthReader.Options OPTIONS = PthReader.Options.DEFAULT.withMaxPickleBytes(MAX_INPUT_BYTES)
            .trust("mymod.Config");
    private static final byte[] STORAGE = new byte[64];

    static {
        for (int i = 0; i < STORAGE.length; i++) {
            STORAGE[i] = (byte) (i * 37);
        }
    }

    /** Whole files: the zip container, its entries, and non-zip (legacy or bare pickle) files. */
    @FuzzTest(maxDuration = "10s")
    void pthFile(byte[] data) {
        if (data.length > MAX_INPUT_BYTES) {
            return;
        }
        read(FuzzChecks.write(FuzzChecks.scratchFile("pthFile-input.pth"), data));
    }

    /**
     * The pickle alone, inside a well-formed zip with storages {@code data/0} (64 bytes) and
     * {@code data/1} (8 bytes): the fuzzer spends its time on the unpickler and the tensor views.
     */
    @FuzzTest(maxDuration = "10s")
    void pickleInZip(byte[] pickle) {
        if (pickle.length > MAX_INPUT_BYTES) {
            return;
        }
        Map<String, byte[]> storages = new LinkedHashMap<>();
        storages.put("0", STORAGE);
        storages.put("1", new byte[] {1, 0, 0, 0, 2, 0, 0, 0});
        read(PickleBuilder.checkpoint(FuzzChecks.scratchFile("pickleInZip-input.pth"), pickle, storages));
    }

    private static void read(Path f) {
        FuzzChecks.check(() -> {
            Object o = PthReader.read(f, OPTIONS);
            if (o instanceof Map<?, ?>) {
                PthReader.stateDict(o, f.toString());
            }
        }, CheckpointException.class, f + ": ");
    }
}
