package io.piip4j.cli;

import io.piip4j.weights.PthReader;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** How the commands that read checkpoints read them: {@code --trust-global}, repeatable. */
final class CheckpointOptions {
    @Option(names = "--trust-global", paramLabel = "MODULE.NAME",
            description = "Also accept this pickle global in .pth files, beyond the safe allow-list (repeatable). "
                    + "Calling it builds an inert map of its arguments: nothing runs. Only for files you trust.")
    List<String> trustedGlobals = new ArrayList<>();

    @Option(names = "--download", description = "Where --weights names a zoo model not in the cache yet, download its official "
            + "checkpoint first (with progress; resumable). Same as PIIP4J_DOWNLOAD=1.")
    boolean download;

    PthReader.Options options() {
        return PthReader.Options.DEFAULT.trust(trustedGlobals);
    }
}
