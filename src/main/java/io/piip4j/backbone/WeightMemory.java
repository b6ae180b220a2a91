package io.piip4j.backbone;

import io.piip4j.config.ConfigException;
import io.piip4j.config.PiipConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Whether a model's weights fit in this machine's memory, decided from the parameter count before
 * anything is allocated: a configuration whose float32 weights alone exceed the available memory
 * (the InternViT-6B ones on a 24 GB machine) is refused with a one-line estimate instead of dying
 * of an out-of-memory error half-way through allocating.
 */
public final class WeightMemory {
    private static final double GB = 1e9;

    private WeightMemory() {
    }

    /** Fails with the estimate where {@code numParameters} float32 weights exceed {@code availableBytes}. */
    public static void check(PiipConfig cfg, long numParameters, long availableBytes) {
        long float32 = 4 * numParameters;
        if (float32 <= availableBytes) {
            return;
        }
        long bf16 = 2 * numParameters;
        throw new ConfigException(String.format(Locale.ROOT,
                "%s: its %.2f billion parameters need about %.1f GB of memory in float32 (weights alone), "
                        + "%.1f GB is available; in bfloat16 they would need about %.1f GB (%s)",
                cfg.typeName(), numParameters / 1e9, float32 / GB, availableBytes / GB, bf16 / GB,
                bf16 <= availableBytes ? "would fit" : "would not fit either"));
    }

    /** The memory available to new allocations: Linux's MemAvailable, else the free physical memory. */
    public static long availableBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux (or no procfs): the JVM's view below
        }
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getFreeMemorySize();
        }
        return Long.MAX_VALUE; // unknown: do not refuse
    }
}
