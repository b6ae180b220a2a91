package io.piip4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.piip4j.bench.Benchmark;
import io.piip4j.bench.DetectorBenchmark;
import io.piip4j.bench.DinoBenchmark;
import io.piip4j.bench.SegmentorBenchmark;
import io.piip4j.segmentor.SegmentationPreprocess;
import io.piip4j.segmentor.UperNetConfig;
import io.piip4j.detector.DetectionPreprocess;
import io.piip4j.detector.DinoConfig;
import io.piip4j.detector.MaskRcnnConfig;
import io.piip4j.config.PiipConfig;
import io.piip4j.count.Convention;
import io.piip4j.count.FlopCounter;
import io.piip4j.count.FlopReport;
import io.piip4j.count.InputSize;
import io.piip4j.tensor.Capabilities;
import io.piip4j.tensor.Inference;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.bytedeco.pytorch.global.torch.ScalarType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code piip bench}: forward latency, throughput, achieved GFLOP/s and memory, with random weights. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        header = "Time a model's forward pass (random weights): latency, images/s, GFLOP/s, memory, matmul peak.",
        footer = {"", "Examples:", "  piip bench piip-tsb-cls-368 --dtype bf16 --profile",
            "  piip bench piip-tsb-maskrcnn-1120-896-448 --profile        # the whole Mask R-CNN, one 896x672 image",
            "  piip bench piip-tsb-maskrcnn-1120-896-448 --backbone --input 1120x1120",
            "  piip bench piip-h6b-upernet-512-192 --mode slide --profile      # the whole UperNet, one 512x683 image"},
        description = "Time forward passes (random weights) and the machine's matmul peak in the same run.")
final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME|CONFIG", description = "Zoo name or config file.")
    String model;

    @Option(names = "--config", description = "Config file (alternative to the positional argument).")
    String config;

    @Option(names = "--batch", defaultValue = "1", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--input", description = "Input HxW (default: the model's resolution; for a whole Mask R-CNN the padded input"
            + " of a 4:3 image at the config's test scale, 672x896 for the released 1120x672).")
    String input;

    @Option(names = "--threads", description = "Engine threads (default: all cores).")
    Integer threads;

    @Option(names = "--warmup", defaultValue = "1", description = "Untimed warm-up runs (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--iters", defaultValue = "5", description = "Timed runs (default ${DEFAULT-VALUE}).")
    int iters;

    @Option(names = "--dtype", defaultValue = "fp32", description = "fp32 or bf16 (default ${DEFAULT-VALUE}).")
    String dtype;

    @Option(names = "--profile", description = "Also print where the time goes: mean seconds per stage (branch embeddings and blocks, interactions, other).")
    boolean profile;

    @Option(names = "--json", description = "Machine-readable output.")
    boolean json;

    @Option(names = "--backbone", description = "For a Mask R-CNN, DINO or UperNet config: time only the backbone (default: the whole model).")
    boolean backboneOnly;

    @Option(names = "--mode", paramLabel = "whole|slide", description = "For a UperNet config: the test mode to time (default: the config's).")
    String mode;

    @Override
    public Integer call() throws Exception {
        String spec = model != null ? model : config;
        if (spec == null) {
            throw new UsageException("name a model: piip bench NAME|CONFIG");
        }
        ConfigSource src = Inputs.source(spec);
        PiipConfig cfg = Inputs.config(spec);
        boolean dino = !backboneOnly && DinoConfig.describes(src.json());
        boolean detector = dino || !backboneOnly && MaskRcnnConfig.describes(src.json());
        boolean segmentor = !backboneOnly && UperNetConfig.describes(src.json());
        int size = cfg.branches().get(cfg.numBranches() - 1).imgSize();
        int h = size;
        int w = size;
        UperNetConfig segConfig = segmentor ? UperNetConfig.read(src.json(), src.name()) : null;
        UperNetConfig.Mode segMode = null;
        if (segmentor) {
            try {
                segMode = mode == null ? segConfig.test().mode() : UperNetConfig.Mode.parse(mode);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--mode: " + e.getMessage());
            }
            int crop = segConfig.test().cropSize() == null ? size : segConfig.test().cropSize()[0];
            int[] hw = SegmentorBenchmark.defaultInput(cfg, segConfig, SegmentationPreprocess.fromConfig(src.json(), src.name(), crop), segMode);
            h = hw[0];
            w = hw[1];
        } else if (mode != null) {
            throw new UsageException("--mode is for UperNet segmentation configs");
        }
        if (detector) {
            int[] hw = DetectorBenchmark.defaultInput(DetectionPreprocess.fromConfig(src.json(), src.name()));
            h = hw[0];
            w = hw[1];
        }
        if (input != null) {
            String[] hw = input.toLowerCase(Locale.ROOT).split("x");
            if (hw.length != 2) {
                throw new UsageException("--input must be HxW, got '" + input + "'");
            }
            h = Integer.parseInt(hw[0]);
            w = Integer.parseInt(hw[1]);
        }
        if (batch < 1 || iters < 1 || warmup < 0 || h < 16 || w < 16) {
            throw new UsageException("--batch and --iters must be ≥ 1, --warmup ≥ 0, --input at least 16x16");
        }
        ScalarType type = switch (dtype) {
            case "fp32" -> ScalarType.Float;
            case "bf16" -> ScalarType.BFloat16;
            default -> throw new UsageException("--dtype must be fp32 or bf16, got '" + dtype + "'");
        };
        if (threads != null) {
            Inference.setThreads(threads);
        }
        Capabilities machine = Capabilities.get();
        if (type == ScalarType.BFloat16 && !json) {
            RuntimeOptions.noteBfloat16();
        }
        Benchmark.Settings settings = new Benchmark.Settings(batch, h, w, warmup, iters, type, profile || json);
        if (dino) {
            return dino(cfg, DinoConfig.read(src.json(), src.name()), settings, spec, machine);
        }
        if (detector) {
            return detector(cfg, MaskRcnnConfig.read(src.json(), src.name()), settings, spec, machine);
        }
        if (segmentor) {
            return segmentor(cfg, segConfig, segMode, settings, spec, machine);
        }
        Benchmark.Result r = Benchmark.run(cfg, settings);
        double imagesPerSecond = batch / r.median();
        // the true multiply-adds of one image at this size (counted from the config), ×2 for FLOPs
        FlopReport cost = FlopCounter.count(src.json(), src.name(),
                cfg.task() == PiipConfig.Task.CLASSIFICATION ? null : new InputSize(h, w)).reports().get(Convention.TRUE);
        double gflops = cost.available() ? 2.0 * cost.totalFlops() * batch / r.median() / 1e9 : Double.NaN;
        if (json) {
            ObjectMapper m = new ObjectMapper();
            ObjectNode o = m.createObjectNode();
            o.put("model", spec).put("dtype", dtype).put("batch", batch).put("height", h).put("width", w)
                    .put("threads", Inference.threads()).put("min_s", r.min()).put("median_s", r.median())
                    .put("max_s", r.max()).put("images_per_s", imagesPerSecond).put("achieved_gflops", gflops)
                    .put("fraction_of_matmul_peak", gflops / r.matmulGflops())
                    .put("peak_rss_bytes", r.peakRssBytes()).put("matmul_peak_gflops", r.matmulGflops());
            printJson(m, o, r, machine);
            return 0;
        }
        printHeader(spec + "  " + dtype, h, w, r, machine);
        System.out.printf(Locale.ROOT, "  throughput %.2f images/s%n", imagesPerSecond);
        System.out.printf(Locale.ROOT, "  achieved  %.1f GFLOP/s = %.0f%% of the matmul peak (%.1f GMACs per image, true cost)%n",
                gflops, 100 * gflops / r.matmulGflops(), cost.available() ? cost.totalFlops() / 1e9 : Double.NaN);
        System.out.printf(Locale.ROOT, "  peak RSS  %.0f MiB%n", r.peakRssBytes() / 1048576.0);
        System.out.printf(Locale.ROOT, "  matmul peak (%s, 2048², this run) %.0f GFLOP/s%n", dtype, r.matmulGflops());
        printStages(r);
        return 0;
    }

    /** The whole Mask R-CNN: {@code detect} on one image, with the stage split and the detection count. */
    private int detector(PiipConfig backbone, MaskRcnnConfig heads, Benchmark.Settings s, String spec, Capabilities machine)
            throws Exception {
        DetectorBenchmark.Result d = DetectorBenchmark.run(backbone, heads, s);
        return printDetector("whole Mask R-CNN", d.timing(), d.detections(), String.format(Locale.ROOT,
                "detections reaching the mask head: %d (random weights; %d classes' scores lifted)", d.detections(),
                DetectorBenchmark.SHAPED_CLASSES), s, spec, machine);
    }

    /** The whole DINO: {@code detect} on one image, with the stage split and the detection count. */
    private int dino(PiipConfig backbone, DinoConfig heads, Benchmark.Settings s, String spec, Capabilities machine) throws Exception {
        DinoBenchmark.Result d = DinoBenchmark.run(backbone, heads, s);
        return printDetector("whole DINO", d.timing(), d.detections(), String.format(Locale.ROOT,
                "detections: %d (random weights; max_per_img per image, no score threshold)", d.detections()), s, spec, machine);
    }

    /** A whole detector's timing, as JSON or as text with {@code countLine} after the header. */
    private int printDetector(String kind, Benchmark.Result r, int detections, String countLine, Benchmark.Settings s, String spec,
            Capabilities machine) throws Exception {
        if (json) {
            ObjectMapper m = new ObjectMapper();
            ObjectNode o = m.createObjectNode();
            o.put("model", spec).put("detector", true).put("dtype", dtype).put("batch", batch).put("height", s.height())
                    .put("width", s.width()).put("threads", Inference.threads()).put("min_s", r.min())
                    .put("median_s", r.median()).put("max_s", r.max()).put("images_per_s", batch / r.median())
                    .put("detections", detections).put("peak_rss_bytes", r.peakRssBytes())
                    .put("matmul_peak_gflops", r.matmulGflops());
            printJson(m, o, r, machine);
            return 0;
        }
        printHeader(spec + "  " + kind + "  " + dtype, s.height(), s.width(), r, machine);
        System.out.println("  " + countLine);
        System.out.printf(Locale.ROOT, "  peak RSS  %.0f MiB%n", r.peakRssBytes() / 1048576.0);
        System.out.printf(Locale.ROOT, "  matmul peak (%s, 2048², this run) %.0f GFLOP/s%n", dtype, r.matmulGflops());
        printStages(r);
        return 0;
    }

    /** The whole UperNet: {@code segment} on one image in the chosen mode, with the stage split and the window count. */
    private int segmentor(PiipConfig backbone, UperNetConfig heads, UperNetConfig.Mode m, Benchmark.Settings s, String spec,
            Capabilities machine) throws Exception {
        SegmentorBenchmark.Result d = SegmentorBenchmark.run(backbone, heads, m, s);
        Benchmark.Result r = d.timing();
        if (json) {
            ObjectMapper om = new ObjectMapper();
            ObjectNode o = om.createObjectNode();
            o.put("model", spec).put("segmentor", true).put("mode", m.toString()).put("windows", d.windows()).put("dtype", dtype)
                    .put("batch", batch).put("height", s.height()).put("width", s.width()).put("threads", Inference.threads())
                    .put("min_s", r.min()).put("median_s", r.median()).put("max_s", r.max()).put("images_per_s", batch / r.median())
                    .put("peak_rss_bytes", r.peakRssBytes()).put("matmul_peak_gflops", r.matmulGflops());
            printJson(om, o, r, machine);
            return 0;
        }
        printHeader(spec + "  whole UperNet (" + m + (m == UperNetConfig.Mode.SLIDE ? ", " + d.windows() + " windows" : "") + ")  "
                + dtype, s.height(), s.width(), r, machine);
        System.out.printf(Locale.ROOT, "  peak RSS  %.0f MiB%n", r.peakRssBytes() / 1048576.0);
        System.out.printf(Locale.ROOT, "  matmul peak (%s, 2048², this run) %.0f GFLOP/s%n", dtype, r.matmulGflops());
        printStages(r);
        return 0;
    }

    /** The machine and the stage times added to {@code o}, printed. */
    private static void printJson(ObjectMapper m, ObjectNode o, Benchmark.Result r, Capabilities machine) throws Exception {
        ObjectNode sys = o.putObject("system");
        machine.rows().forEach(sys::put);
        ObjectNode st = o.putObject("stage_seconds");
        r.stageSeconds().forEach(st::put);
        System.out.println(m.writerWithDefaultPrettyPrinter().writeValueAsString(o));
    }

    /** The first lines of the text report: what ran, the machine, the latencies. */
    private void printHeader(String what, int h, int w, Benchmark.Result r, Capabilities machine) {
        System.out.printf(Locale.ROOT, "%s  batch %d  %dx%d  %d threads%n", what, batch, h, w, Inference.threads());
        System.out.println("  machine   " + machine.oneLine());
        System.out.printf(Locale.ROOT, "  latency   min %.3f s   median %.3f s   max %.3f s  (%d runs after %d warm-up)%n",
                r.min(), r.median(), r.max(), iters, warmup);
    }

    private void printStages(Benchmark.Result r) {
        if (profile) {
            double mean = java.util.Arrays.stream(r.seconds()).average().orElse(1);
            System.out.println("  where the time goes (mean per forward):");
            r.stageSeconds().forEach((k, v) -> {
                int depth = (int) k.chars().filter(c -> c == '/').count();
                String label = "  ".repeat(depth) + k.substring(k.lastIndexOf('/') + 1);
                System.out.printf(Locale.ROOT, "    %-26s %8.1f ms  %5.1f%%%n", label, v * 1e3, 100 * v / mean);
            });
        }
    }
}
