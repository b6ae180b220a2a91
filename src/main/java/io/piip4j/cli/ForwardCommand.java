package io.piip4j.cli;

import io.piip4j.detector.DetectionModel;
import io.piip4j.detector.DetectionModels;
import io.piip4j.detector.Dino;
import io.piip4j.detector.MaskRcnnConfig;
import io.piip4j.head.StageSink;
import io.piip4j.head.Detections;
import io.piip4j.head.ImageMeta;
import io.piip4j.predict.PiipModel;
import io.piip4j.segmentor.ClassMap;
import io.piip4j.segmentor.UperNet;
import io.piip4j.segmentor.UperNetConfig;
import io.piip4j.tensor.DType;
import io.piip4j.tensor.NdArray;
import io.piip4j.weights.Checkpoints;
import io.piip4j.weights.Npy;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code piip forward}: one forward pass on a given input tensor, outputs as .npy. */
@Command(name = "forward", mixinStandardHelpOptions = true,
        header = "Run a model on an input tensor and write its outputs as .npy files.",
        footer = {"", "Examples:", "  piip forward --config ../shared/golden/cls3_deit_merged/case.json --weights ../shared/golden/cls3_deit_merged/weights.pth \\", "      --input ../shared/golden/cls3_deit_merged/io.pth --output-dir out"},
        description = "Run the model on an input tensor and write each output as output_<i>.npy (float32);"
                + " a whole Mask R-CNN checkpoint writes det_bboxes_<i>.npy, det_labels_<i>.npy and masks_<i>.npy per image,"
                + " a whole DINO checkpoint det_bboxes_<i>.npy, det_labels_<i>.npy and det_query_index_<i>.npy;"
                + " a whole UperNet checkpoint writes decode_logits.npy, aux_logits.npy, seg_logit.npy and seg_pred_<i>.npy (class map at the original size, int64) per image;"
                + " a PIIP-LLaVA case (case.json with llama_config) writes generated_ids.npy and prefill_logits.npy.")
final class ForwardCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "case.json, released config or backbone config (JSON).")
    String config;

    @Option(names = "--weights", required = true, description = "Checkpoint: PyTorch (.pth) or .safetensors, or a zoo name (its official checkpoint from the cache; see piip fetch, --download).")
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
        if (Files.exists(outputDir) && !Files.isDirectory(outputDir)) {
            throw new UsageException("--output-dir " + outputDir + ": is a file; give a folder (created if missing)");
        }
        NdArray x = Inputs.tensor(input, checkpoint.options());
        Path weightsFile = Inputs.weights(weights, checkpoint);
        ConfigSource source = Inputs.source(config);
        if (source.file() != null && LlavaForwarding.describes(source.json())) {
            runtime.requireCpuFloat32("PIIP-LLaVA forward");
            return LlavaForwarding.run(source, weightsFile, checkpoint.options(), x, outputDir);
        }
        if (source.file() != null && DetectionModels.describes(source.json())) {
            Map<String, NdArray> stateDict = Checkpoints.readStateDict(weightsFile, checkpoint.options());
            if (DetectionModels.isWholeModel(source.json(), stateDict)) {
                return detect(source, stateDict, weightsFile.getFileName().toString(), x);
            }
        }
        if (source.file() != null && UperNetConfig.describes(source.json())) {
            Map<String, NdArray> stateDict = Checkpoints.readStateDict(weightsFile, checkpoint.options());
            if (UperNet.isWholeModel(stateDict)) {
                return segment(source, stateDict, weightsFile.getFileName().toString(), x);
            }
        }
        try (PiipModel model = PiipModel.load(Inputs.config(config), weightsFile, true,
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
            List<String> unused = model.loadReport().unexpected();
            if (!unused.isEmpty()) {
                // a whole-model checkpoint whose heads this command does not run: say what ran and what was left out
                java.util.Set<String> parts = new java.util.TreeSet<>();
                unused.forEach(k -> parts.add(k.contains(".") ? k.substring(0, k.indexOf('.')) : k));
                System.err.println("piip: note: ran the backbone only (its feature maps above); " + unused.size() + " checkpoint keys of "
                        + String.join(", ", parts) + " were not used");
            }
        }
        return 0;
    }

    /**
     * A whole UperNet checkpoint, in the config's test mode: {@code decode_logits.npy} and
     * {@code aux_logits.npy} (the heads' outputs; of the first window in slide mode, as the golden
     * cases save them), {@code seg_logit.npy} (B × classes × H × W float32, the logits at the input's
     * size before rescaling) and per image {@code seg_pred_<i>.npy}
     * (H × W int64 class map at its {@code ori_shape}), using case.json's {@code img_metas} where present.
     */
    private int segment(ConfigSource source, Map<String, NdArray> stateDict, String weightsName, NdArray x) throws Exception {
        if (!runtime.device.equals("cpu") || !runtime.dtype.equals("fp32")) {
            throw new IllegalArgumentException("--device/--dtype: the UperNet segmentor runs in float32 on the CPU for now");
        }
        long[] s = x.shape();
        if (s.length != 4) {
            throw new IllegalArgumentException("input must be a (batch, 3, height, width) tensor, got shape " + Arrays.toString(s));
        }
        List<ImageMeta> metas = MaskRcnnConfig.imageMetas(source.json(), source.file().getFileName().toString(), (int) s[0],
                (int) s[2], (int) s[3]);
        Map<String, NdArray> logits = new java.util.LinkedHashMap<>();
        List<ClassMap> maps;
        try (UperNet model = UperNet.load(source.json(), source.file().getFileName().toString(), stateDict, weightsName)) {
            maps = model.segment(x, metas, model.segmentorConfig().test().mode(), false, UperNet.WindowListener.NONE,
                    (stage, value) -> {
                        if (stage.endsWith("_logits") || stage.equals("seg_logit")) {
                            logits.putIfAbsent(stage, value);
                        }
                    });
        }
        Files.createDirectories(outputDir);
        for (Map.Entry<String, NdArray> e : logits.entrySet()) {
            Path f = outputDir.resolve(e.getKey() + ".npy");
            Npy.write(f, e.getValue());
            System.out.println(f + " " + Arrays.toString(e.getValue().shape()));
        }
        for (int i = 0; i < maps.size(); i++) {
            ClassMap m = maps.get(i);
            ByteBuffer b = ByteBuffer.allocate(8 * m.labels().length).order(ByteOrder.LITTLE_ENDIAN);
            for (int l : m.labels()) {
                b.putLong(l);
            }
            b.flip();
            NdArray pred = new NdArray(DType.INT64, new long[] {m.height(), m.width()}, b);
            Path f = outputDir.resolve("seg_pred_" + i + ".npy");
            Npy.write(f, pred);
            System.out.println(f + " " + Arrays.toString(pred.shape()));
        }
        return 0;
    }

    /**
     * A whole detector checkpoint: detections per image as {@code det_bboxes_<i>.npy} (n × 5 float32,
     * x1 y1 x2 y2 score, original-image pixels), {@code det_labels_<i>.npy} (int64), and
     * {@code masks_<i>.npy} (n × H × W uint8, 0/1; Mask R-CNN) or {@code det_query_index_<i>.npy}
     * (int64, the decoder query of each detection; DINO), using case.json's {@code img_metas} where present.
     */
    private int detect(ConfigSource source, Map<String, NdArray> stateDict, String weightsName, NdArray x) throws Exception {
        if (!runtime.device.equals("cpu") || !runtime.dtype.equals("fp32")) {
            throw new IllegalArgumentException("--device/--dtype: the detectors run in float32 on the CPU for now");
        }
        long[] s = x.shape();
        if (s.length != 4) {
            throw new IllegalArgumentException("input must be a (batch, 3, height, width) tensor, got shape " + Arrays.toString(s));
        }
        List<ImageMeta> metas = MaskRcnnConfig.imageMetas(source.json(), source.file().getFileName().toString(), (int) s[0],
                (int) s[2], (int) s[3]);
        if (x.dtype() != DType.FLOAT32) {
            x = NdArray.ofFloats(x.toFloats(), s);
        }
        List<Detections> dets;
        List<NdArray> queries = new ArrayList<>();
        try (DetectionModel model = DetectionModels.load(source.file(), stateDict, weightsName)) {
            // DINO reports each detection's query through the stage sink; Mask R-CNN runs without one
            StageSink sink = model instanceof Dino ? (stage, value) -> {
                if (stage.equals("det_query_index")) {
                    queries.add(value);
                }
            } : StageSink.NONE;
            dets = model.detect(x, metas, true, sink);
        }
        Files.createDirectories(outputDir);
        for (int i = 0; i < dets.size(); i++) {
            Detections d = dets.get(i);
            ByteBuffer labels = ByteBuffer.allocate(8 * d.count()).order(ByteOrder.LITTLE_ENDIAN);
            for (int l : d.labels()) {
                labels.putLong(l);
            }
            labels.flip();
            List<NdArray> files = new ArrayList<>(List.of(NdArray.ofFloats(d.boxes(), d.count(), 5),
                    new NdArray(DType.INT64, new long[] {d.count()}, labels)));
            List<String> names = new ArrayList<>(List.of("det_bboxes_", "det_labels_"));
            if (d.masks() != null) {
                files.add(new NdArray(DType.UINT8, new long[] {d.count(), d.height(), d.width()}, ByteBuffer.wrap(d.masks())));
                names.add("masks_");
            }
            if (!queries.isEmpty()) {
                files.add(queries.get(i));
                names.add("det_query_index_");
            }
            for (int k = 0; k < files.size(); k++) {
                Path f = outputDir.resolve(names.get(k) + i + ".npy");
                Npy.write(f, files.get(k));
                System.out.println(f + " " + Arrays.toString(files.get(k).shape()));
            }
        }
        return 0;
    }
}
