package io.piip4j.train;

import io.piip4j.weights.AtomicFiles;
import io.piip4j.weights.CheckpointException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Small output files (JSON, PNG) written through {@link AtomicFiles}, so readers never see half a file. */
final class Outputs {
    interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    private Outputs() {
    }

    static void write(Path target, Body body) {
        try {
            AtomicFiles.write(target, body::writeTo);
        } catch (CheckpointException e) {
            throw new UncheckedIOException(e.getMessage(), new IOException(e.getMessage(), e));
        }
    }
}
