package io.piip4j.init;

import io.piip4j.backbone.branch.Branch;
import io.piip4j.config.BranchConfig;
import io.piip4j.nn.Parameter;
import io.piip4j.tensor.F;
import io.piip4j.tensor.Tensors;
import io.piip4j.weights.CheckpointException;
import io.piip4j.tensor.NdArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Puts a standard single-branch checkpoint into one PIIP branch the way the reference's loaders
 * do ({@link LoaderPath}): key selection, the position table's class slot, bicubic resizing of the
 * position grid and of the patch-embedding kernel ({@code F.interpolate(..., mode='bicubic',
 * align_corners=False)}, in float32), then a {@code load_state_dict} that reports copied, resized,
 * skipped, unexpected and missing keys. Parameters the checkpoint does not provide keep the
 * values the branch was initialised with (e.g. layer-scale gammas = {@code init_scale}).
 */
public final class PretrainedBranch {
    /** The grid sizes that drive the resizing. */
    public record Geometry(int imgSize, int patchSize, int pretrainImgSize, int pretrainPatchSize, boolean hasHead) {
        public static Geometry of(BranchConfig b, boolean hasHead) {
            return new Geometry(b.imgSize(), b.patchSize(), b.pretrainImgSize(), b.pretrainPatchSize(), hasHead);
        }
    }

    /** The tensors to load under the branch's parameter names, and the per-key report. */
    public record Converted(Map<String, NdArray> tensors, List<KeyStatus> report) {
    }

    private PretrainedBranch() {
    }

    /**
     * Loads {@code checkpoint} (already unwrapped from {@code model}/{@code module}) into the
     * branch's parameters; the branch must hold its initial values already.
     */
    public static BranchInitReport load(Branch branch, Map<String, NdArray> checkpoint, LoaderPath path, String source,
            boolean hasHead) {
        Map<String, Parameter> params = branch.namedParameters();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        params.forEach((k, p) -> shapes.put(k, p.shape()));
        NdArray ownPos = params.containsKey("pos_embed") && params.get("pos_embed").isSet()
                ? Tensors.toNdArray(params.get("pos_embed").get()) : null;
        Converted c = switch (path) {
            case BEIT_DET -> BeitLoader.convert(checkpoint, shapes, branch.config().depth(), source);
            case CONVNEXT_HF -> ConvNextLoader.convert(checkpoint, shapes, source);
            case UNIPERCEIVER_DET -> byName(checkpoint, shapes);
            default -> convert(checkpoint, path, Geometry.of(branch.config(), hasHead), shapes, ownPos, source);
        };
        // created outside any scope: the tensors become the parameters and must outlive this call
        for (Map.Entry<String, NdArray> e : c.tensors().entrySet()) {
            NdArray a = e.getValue();
            Tensor t = Tensors.fromNdArray(a);
            if (t.scalar_type().value != ScalarType.Float.value) {
                Tensor f = t.to(ScalarType.Float);
                t.close();
                t = f;
            }
            params.get(e.getKey()).set(t);
        }
        return new BranchInitReport(branch.config().name(), source, path, c.report());
    }

    /**
     * The conversion alone, on plain arrays.
     *
     * @param moduleShapes the branch's parameters and shapes
     * @param ownPosEmbed  the branch's current position table, used by the InternViT paths when
     *                     the checkpoint has none (as the reference falls back to
     *                     {@code self.pos_embed}); may be null
     */
    public static Converted convert(Map<String, NdArray> checkpoint, LoaderPath path, Geometry g,
            Map<String, long[]> moduleShapes, NdArray ownPosEmbed, String source) {
        List<KeyStatus> report = new ArrayList<>();
        Map<String, NdArray> work = new LinkedHashMap<>();
        for (Map.Entry<String, NdArray> e : checkpoint.entrySet()) {
            String k = e.getKey();
            if (path.filtersKeys && !keptByDeitCls(k, g.hasHead())) {
                report.add(new KeyStatus(k, "skipped", null, e.getValue().shape()));
                continue;
            }
            work.put(k, e.getValue());
        }
        Map<String, long[]> original = new LinkedHashMap<>();
        work.forEach((k, v) -> original.put(k, v.shape()));

        int grid = (path.pretrainGrid ? g.pretrainImgSize() : g.imgSize()) / g.patchSize();
        int pretrainGrid = g.pretrainImgSize() / g.pretrainPatchSize();
        NdArray pos = work.get("pos_embed");
        if (pos == null && path.keepsClsSlot) {
            pos = ownPosEmbed;
        }
        if (pos == null) {
            throw new CheckpointException(source + ": has no pos_embed");
        }
        work.put("pos_embed", resizePosEmbed(pos, path.keepsClsSlot, pretrainGrid, grid, source));
        NdArray patch = work.get("patch_embed.proj.weight");
        if (patch == null) {
            throw new CheckpointException(source + ": has no patch_embed.proj.weight");
        }
        work.put("patch_embed.proj.weight", resizeKernel(patch, g.patchSize(), source));

        Map<String, NdArray> load = new LinkedHashMap<>();
        List<String> unexpected = new ArrayList<>();
        for (Map.Entry<String, NdArray> e : work.entrySet()) {
            String k = e.getKey();
            long[] want = moduleShapes.get(k);
            long[] from = original.get(k);
            if (want == null) {
                unexpected.add(k);
                report.add(new KeyStatus(k, "unexpected", e.getValue().shape(), from));
                continue;
            }
            if (!Arrays.equals(want, e.getValue().shape())) {
                throw new CheckpointException(source + ": " + k + " has shape " + Arrays.toString(e.getValue().shape())
                        + (from != null && !Arrays.equals(from, e.getValue().shape()) ? " after resizing from " + Arrays.toString(from) : "")
                        + ", the branch's parameter " + Arrays.toString(want) + " (size mismatch: load_state_dict refuses it)");
            }
            load.put(k, e.getValue());
            boolean same = from != null && Arrays.equals(from, want);
            report.add(new KeyStatus(k, same ? "copied" : "resized", want, from));
        }
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, long[]> e : moduleShapes.entrySet()) {
            if (!load.containsKey(e.getKey())) {
                missing.add(e.getKey());
                report.add(new KeyStatus(e.getKey(), "missing", e.getValue(), null));
            }
        }
        if (path.strict && (!missing.isEmpty() || !unexpected.isEmpty())) {
            throw new CheckpointException(source + ": the " + path.name().toLowerCase() + " loader is strict and the checkpoint does not"
                    + " match the branch (missing " + missing + ", unexpected " + unexpected + ")");
        }
        return new Converted(load, report);
    }

    /**
     * mmcv's {@code load_checkpoint(strict=False)} without conversion: keys that match by name and
     * shape are copied; size mismatches are reported and skipped, as are keys the branch lacks.
     */
    static Converted byName(Map<String, NdArray> checkpoint, Map<String, long[]> moduleShapes) {
        List<KeyStatus> report = new ArrayList<>();
        Map<String, NdArray> load = new LinkedHashMap<>();
        for (Map.Entry<String, NdArray> e : checkpoint.entrySet()) {
            long[] want = moduleShapes.get(e.getKey());
            long[] has = e.getValue().shape();
            if (want == null) {
                report.add(new KeyStatus(e.getKey(), "unexpected", has, has));
            } else if (!Arrays.equals(want, has)) {
                report.add(new KeyStatus(e.getKey(), "mismatched", has, has));
            } else {
                load.put(e.getKey(), e.getValue());
                report.add(new KeyStatus(e.getKey(), "copied", want, has));
            }
        }
        moduleShapes.forEach((k, shape) -> {
            if (!load.containsKey(k)) {
                report.add(new KeyStatus(k, "missing", shape, null));
            }
        });
        return new Converted(load, report);
    }

    /** {@code classification/deit.py}: embeddings and blocks always; norm/head only for a branch with its own head. */
    static boolean keptByDeitCls(String k, boolean hasHead) {
        if (k.startsWith("blocks") || k.startsWith("cls_token") || k.startsWith("patch_embed") || k.startsWith("pos_embed")) {
            return true;
        }
        return (k.startsWith("norm") || k.startsWith("head")) && hasHead;
    }

    /**
     * (1, [1 +] P·P, D) on the pretraining grid → (1, [1 +] G·G, D). With {@code keepCls} the
     * first row is the class slot and stays; otherwise a non-square table's first row is dropped.
     */
    static NdArray resizePosEmbed(NdArray table, boolean keepCls, int pretrainGrid, int grid, String source) {
        long[] s = table.shape();
        if (s.length != 3 || s[0] != 1) {
            throw new CheckpointException(source + ": pos_embed has shape " + Arrays.toString(s) + ", expected (1, positions, dim)");
        }
        long n = s[1];
        long dim = s[2];
        try (PointerScope scope = new PointerScope()) {
            Tensor t = Tensors.fromNdArray(table).to(ScalarType.Float);
            Tensor cls = null;
            if (keepCls) {
                cls = F.slice(t, 1, 0, 1);
                t = F.slice(t, 1, 1, n);
            } else if (!isSquare(n)) {
                t = F.slice(t, 1, 1, n);
            }
            long positions = t.size(1);
            if (positions != (long) pretrainGrid * pretrainGrid) {
                throw new CheckpointException(source + ": pos_embed holds " + positions + " grid positions, but pretrain_img_size / "
                        + "pretrain_patch_size gives a " + pretrainGrid + "x" + pretrainGrid + " grid");
            }
            Tensor g = t.reshape(1, pretrainGrid, pretrainGrid, dim).permute(0, 3, 1, 2);
            Tensor r = F.interpolateBicubic(g, grid, grid).reshape(1, -1, (long) grid * grid).permute(0, 2, 1);
            if (cls != null) {
                r = F.cat(1, cls, r);
            }
            return Tensors.toNdArray(r.contiguous());
        }
    }

    /** (D, C, k, k) → (D, C, p, p), bicubic; an unchanged size is an exact copy (PyTorch's same-size path). */
    static NdArray resizeKernel(NdArray w, int patch, String source) {
        long[] s = w.shape();
        if (s.length != 4) {
            throw new CheckpointException(source + ": patch_embed.proj.weight has shape " + Arrays.toString(s) + ", expected (dim, 3, k, k)");
        }
        try (PointerScope scope = new PointerScope()) {
            Tensor t = Tensors.fromNdArray(w).to(ScalarType.Float);
            return Tensors.toNdArray(F.interpolateBicubic(t, patch, patch).contiguous());
        }
    }

    private static boolean isSquare(long n) {
        long r = (long) Math.sqrt((double) n);
        return r * r == n;
    }
}
