package io.piip4j.cli;

import io.piip4j.predict.PiipModel;
import io.piip4j.tensor.NdArray;
import io.piip4j.weights.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code piip forward}: one forward pass on a given input tensor, outputs as .npy. */
@Command(name = "forward", mixinStandardHelpOptions = true,
        description = "Run the model on an input tensor and write each output as output_<i>.npy (float32).")
final class ForwardCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "case.json, released config or backbone config (JSON).")
    String config;

    @Option(names = "--weights", required = true, description = "Checkpoint: PyTorch (.pth) or .safetensors.")
    Path weights;

    @Option(names = "--input", required = true, description = ".npy, or .pth holding a tensor or a dict with key 'input'.")
    Path input;

    @Option(names = "--output-dir", required = true, description = "Folder for output_0.npy, output_1.npy, …")
    Path outputDir;

    @Mixin
    CheckpointOptions checkpoint = new CheckpointOptions();

    @Mixin
    RuntimeOptions runtime = new RuntimeOptions();

    @Override
    public Integer call() throws Exception {
        runtime.check();
        NdArray x = Inputs.tensor(input, checkpoint.options());
        try (PiipModel model = PiipModel.load(Inputs.config(config), Inputs.existing(weights, "weights file"), true,
                checkpoint.options())) {
            if (x.dtype() != io.piip4j.tensor.DType.FLOAT32) {
                x = NdArray.ofFloats(x.toFloats(), x.shape());
            }
            runtime.apply(model);
            List<NdArray> outs = model.forward(x);
            Files.createDirectories(outputDir);
            List<String> written = new ArrayList<>();
            for (int i = 0; i < outs.size(); i++) {
                NdArray o = outs.get(i); // PiipModel.forward returns float32
                Path f = outputDir.resolve("output_" + i + ".npy");
                Npy.write(f, o);
                written.add(f + " " + Arrays.toString(o.shape()));
            }
            written.forEach(System.out::println);
        }
        return 0;
    }
}
