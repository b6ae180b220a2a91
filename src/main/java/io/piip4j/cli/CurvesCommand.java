package io.piip4j.cli;

import io.piip4j.train.Curves;
import io.piip4j.train.EpochStats;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code piip curves}: the training curves of several runs in one picture. */
@Command(name = "curves", mixinStandardHelpOptions = true,
        header = "Plot training curves of 'piip train' runs (PNG).",
        footer = {"", "Example:", "  piip curves runs/piip runs/vit --out curves.png"},
        description = "Plot test accuracy and training loss per epoch of 'piip train' runs side by side (PNG).")
final class CurvesCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "RUN", description = "Output folders of 'piip train' (each holds history.json).")
    List<Path> runs;

    @Option(names = "--out", required = true, description = "The PNG to write.")
    Path out;

    @Override
    public Integer call() {
        Map<String, List<EpochStats>> all = new LinkedHashMap<>();
        for (Path r : runs) {
            Map.Entry<String, List<EpochStats>> h = Curves.readHistory(Inputs.existing(r.resolve("history.json"), "run history"));
            all.put(h.getKey(), h.getValue());
        }
        Curves.write(out, all);
        System.out.println(out);
        return 0;
    }
}
