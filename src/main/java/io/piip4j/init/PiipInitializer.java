package io.piip4j.init;

import io.piip4j.backbone.branch.Branch;
import io.piip4j.backbone.PiipClassifier;
import io.piip4j.backbone.PiipDenseBackbone;
import io.piip4j.config.ConfigException;
import io.piip4j.config.PiipConfig;
import io.piip4j.tensor.NdArray;
import io.piip4j.weights.PthReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.pytorch.global.torch;

/**
 * Assembles a PIIP classifier from pretrained single-branch checkpoints as the reference does:
 * the whole model initialised as its constructor leaves it ({@link ReferenceInit}: branches,
 * interactions with the deformable-attention grid, merging, heads), then each given branch loaded
 * from its checkpoint by the reference's loader path for that branch.
 */
public final class PiipInitializer {
    private PiipInitializer() {
    }

    /**
     * @param checkpoints per branch (index 0 = branch1), null where the branch stays freshly initialised
     * @param seed        seeds the default generator for the random part of the initialisation
     */
    public static List<BranchInitReport> initialize(PiipClassifier model, List<Path> checkpoints, long seed) {
        PiipConfig cfg = model.config();
        if (checkpoints.size() > cfg.numBranches()) {
            throw new ConfigException("checkpoints given for " + checkpoints.size() + " branches, the model has " + cfg.numBranches());
        }
        torch.manual_seed(seed);
        ReferenceInit.initialize(model);
        List<BranchInitReport> reports = new ArrayList<>();
        for (int i = 0; i < checkpoints.size(); i++) {
            Path p = checkpoints.get(i);
            if (p == null) {
                continue;
            }
            Branch b = model.branches().get(i);
            LoaderPath path = LoaderPath.of(b.config(), cfg.task());
            reports.add(PretrainedBranch.load(b, read(p), path, p.getFileName().toString(), cfg.separateHead()));
        }
        return reports;
    }

    /**
     * A dense PIIP backbone (detection / segmentation) from single-branch checkpoints, each branch
     * by its kind's loader ({@link LoaderPath}: DeiT, InternViT-style, BEiT, Uni-Perceiver, ConvNeXt).
     */
    public static List<BranchInitReport> initialize(PiipDenseBackbone model, List<Path> checkpoints, long seed) {
        PiipConfig cfg = model.config();
        if (checkpoints.size() > cfg.numBranches()) {
            throw new ConfigException("checkpoints given for " + checkpoints.size() + " branches, the model has " + cfg.numBranches());
        }
        torch.manual_seed(seed);
        ReferenceInit.initialize(model);
        List<BranchInitReport> reports = new ArrayList<>();
        for (int i = 0; i < checkpoints.size(); i++) {
            Path p = checkpoints.get(i);
            if (p != null) {
                Branch b = model.branches().get(i);
                reports.add(PretrainedBranch.load(b, read(p), LoaderPath.of(b.config(), cfg.task()), p.getFileName().toString(), false));
            }
        }
        return reports;
    }

    /** A single-branch checkpoint: AugReg's JAX {@code .npz}, or a PyTorch file (model/module/state_dict unwrapped). */
    public static Map<String, NdArray> read(Path p) {
        return p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npz") ? AugRegNpz.read(p) : PthReader.readStateDict(p);
    }
}
