package io.piip4j.cli;

import io.piip4j.config.ConfigReader;
import io.piip4j.config.PiipConfig;
import io.piip4j.weights.CheckpointException;
import io.piip4j.weights.NdArray;
import io.piip4j.weights.Npy;
import io.piip4j.weights.PthReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Reading what the commands take: configs and input tensors. */
final class Inputs {
    private Inputs() {
    }

    static PiipConfig config(String spec) {
        Path p = Path.of(spec);
        if (!Files.exists(p)) {
            throw new IllegalArgumentException(spec + ": no such config file");
        }
        return ConfigReader.read(p);
    }

    static Path existing(Path p, String what) {
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException(p + ": no such " + what);
        }
        return p;
    }

    /** A tensor from a .npy, or from a .pth holding a tensor or a dict with key "input". */
    static NdArray tensor(Path file, PthReader.Options options) {
        existing(file, "input file");
        String name = file.getFileName().toString();
        if (name.endsWith(".npy")) {
            return Npy.read(file);
        }
        Object o = PthReader.read(file, options);
        if (o instanceof NdArray a) {
            return a;
        }
        if (o instanceof Map<?, ?> m && m.get("input") instanceof NdArray a) {
            return a;
        }
        throw new CheckpointException(name + ": expected a tensor or a dict with key 'input'");
    }
}
