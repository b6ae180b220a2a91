package io.piip4j.cli;

import io.piip4j.hub.Hub;
import io.piip4j.zoo.Zoo;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code piip fetch}: a zoo model's official checkpoint into the local cache. */
@Command(name = "fetch", mixinStandardHelpOptions = true,
        header = "Download zoo models' official checkpoints into the local cache.",
        description = {"Download zoo models' official checkpoints into the cache ($PIIP4J_HOME, default ~/.cache/piip4j), with "
                + "progress; an interrupted download resumes where it stopped; a published SHA-256 is checked. Prints each file's path.",
            "Then --weights NAME uses the cached file. PIIP4J_MIRROR=URL downloads from a copy of the official layout instead."},
        footer = {"", "Example:", "  piip fetch piip-tsb-cls-368", "  piip classify --config piip-tsb-cls-368 --weights piip-tsb-cls-368 cat.jpg"})
final class FetchCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "NAME", description = "Zoo model names ('piip zoo' lists them).")
    List<String> names;

    @Option(names = "--sha256", paramLabel = "HEX", description = "Expected SHA-256 of the file (one NAME only); the download is "
            + "removed if it differs.")
    String sha256;

    @Override
    public Integer call() {
        if (sha256 != null && names.size() != 1) {
            throw new IllegalArgumentException("--sha256 checks one file: give one NAME with it");
        }
        for (String name : names) {
            Zoo.get(name); // an unknown name fails with the closest ones
        }
        for (String name : names) {
            System.out.println(Hub.fetch(name, sha256, System.err));
        }
        return 0;
    }
}
