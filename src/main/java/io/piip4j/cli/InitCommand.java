package io.piip4j.cli;

import io.piip4j.backbone.PiipClassifier;
import io.piip4j.backbone.PiipDenseBackbone;
import io.piip4j.backbone.PiipNetwork;
import io.piip4j.config.ConfigException;
import io.piip4j.config.PiipConfig;
import io.piip4j.init.BranchInitReport;
import io.piip4j.init.KeyStatus;
import io.piip4j.init.PiipInitializer;
import io.piip4j.nn.Parameter;
import io.piip4j.tensor.Tensors;
import io.piip4j.weights.PthWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code piip init}: a PIIP classifier or dense backbone assembled from pretrained single-branch checkpoints. */
@Command(name = "init", mixinStandardHelpOptions = true,
        header = "Assemble a PIIP model from pretrained single-branch checkpoints.",
        footer = {"", "Example:", "  piip init --config piip-tsb-cls-368 --branch1 deit_base.pth --branch2 deit_small.pth --branch3 deit_tiny.pth --out piip.pth"},
        description = {"Build a PIIP classifier or detection/segmentation backbone from pretrained single-branch checkpoints "
                + "(DeiT / DeiT III, AugReg .npz or converted .pth, InternViT, MAE, DINOv2; for the backbones also BEiT, "
                + "Uni-Perceiver and Hugging Face ConvNeXt), as the reference's loaders do: key selection, "
                + "position-embedding and patch-embedding resizing; interactions and merging initialised as the reference.",
            "Writes a PyTorch-loadable state dict with the reference's key names."})
final class InitCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "PIIP classification config (JSON).")
    String config;

    @Option(names = "--branch1", description = "Checkpoint for branch1 (the widest model, lowest resolution).")
    Path branch1;

    @Option(names = "--branch2", description = "Checkpoint for branch2.")
    Path branch2;

    @Option(names = "--branch3", description = "Checkpoint for branch3.")
    Path branch3;

    @Option(names = "--branch4", description = "Checkpoint for branch4.")
    Path branch4;

    @Option(names = "--seed", defaultValue = "0", description = "Seed for the random part of the initialisation (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, description = "Where to write the assembled checkpoint (.pth).")
    Path out;

    @Option(names = "--verbose-keys", description = "List every key with what was done to it.")
    boolean verboseKeys;

    @Override
    public Integer call() {
        PiipConfig cfg = Inputs.config(config);
        if (cfg.isBaseline()) {
            throw new ConfigException("piip init assembles PIIP models from single-branch checkpoints; "
                    + cfg.typeName() + " is a single-branch baseline (load its checkpoint as it is)");
        }
        List<Path> ck = new ArrayList<>(Arrays.asList(branch1, branch2, branch3, branch4));
        while (!ck.isEmpty() && ck.get(ck.size() - 1) == null) {
            ck.remove(ck.size() - 1);
        }
        for (int i = 0; i < ck.size(); i++) {
            if (ck.get(i) != null) {
                if (i >= cfg.numBranches()) {
                    throw new ConfigException("--branch" + (i + 1) + ": the model has only " + cfg.numBranches() + " branches");
                }
                ck.set(i, Inputs.existing(ck.get(i), "checkpoint"));
            }
        }
        PiipNetwork.checkRunnable(cfg);
        try (PiipNetwork model = cfg.task() == PiipConfig.Task.CLASSIFICATION ? new PiipClassifier(cfg) : new PiipDenseBackbone(cfg)) {
            List<BranchInitReport> reports = model instanceof PiipClassifier c
                    ? PiipInitializer.initialize(c, ck, seed) : PiipInitializer.initialize((PiipDenseBackbone) model, ck, seed);
            for (BranchInitReport r : reports) {
                System.out.println(r.summary());
                if (verboseKeys) {
                    for (KeyStatus k : r.keys()) {
                        System.out.printf("  %-10s %s %s%n", k.status(), k.key(),
                                k.checkpointShape() == null ? "" : Arrays.toString(k.checkpointShape())
                                        + (k.loadedShape() == null ? "" : " -> " + Arrays.toString(k.loadedShape())));
                    }
                }
            }
            Map<String, Object> sd = new LinkedHashMap<>();
            for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
                sd.put(e.getKey(), Tensors.toNdArray(e.getValue().get()));
            }
            PthWriter.write(out, sd);
            System.out.printf("%s: %d tensors, %,d parameters%n", out, sd.size(), model.numParameters());
        }
        return 0;
    }
}
