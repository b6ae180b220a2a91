package io.piip4j.tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.bytedeco.pytorch.global.torch;

/**
 * What this process runs on, detected once: the engine build, the natives' platform, the CPU's
 * instruction sets that decide the fast paths (AVX2, AVX-512, AVX512-BF16, AMX; on aarch64 its BF16),
 * the kernels libtorch and oneDNN dispatch to, and the {@link ProductPath} each dtype takes.
 * Shown by {@code piip info --system} and in {@code piip bench}.
 */
public final class Capabilities {
    /** Environment variables that change which kernels run; shown when set. */
    private static final List<String> KERNEL_SWITCHES = List.of(ProductPaths.SWITCH, "ONEDNN_MAX_CPU_ISA", "ATEN_CPU_CAPABILITY",
            "OPENBLAS_CORETYPE", "OMP_NUM_THREADS", "OMP_WAIT_POLICY");
    /** CPU flags (Linux's names) that decide a path here, in the order shown. */
    private static final List<String> FLAGS_SHOWN = List.of("avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512dq",
            "avx512_bf16", "avx_ne_convert", "amx_tile", "amx_bf16", "asimd", "sve", "bf16");

    /** Detected when first asked for (class initialisation is lazy and thread-safe). */
    private static final class Detected {
        static final Capabilities INSTANCE = new Capabilities();
    }

    private final String engine;
    private final String javacpp;
    private final String natives;
    private final String arch;
    private final String cpuModel;
    private final Set<String> cpuFlags;
    private final boolean flagsKnown;
    private final String atenKernels;
    private final String onednn;
    private final boolean cudaBuild;

    private Capabilities() {
        String config = torch.show_config().getString();
        this.engine = "libtorch " + match(config, "TORCH_VERSION=([^,\\s]+)").orElse("(version unknown)");
        this.cudaBuild = match(config, "USE_CUDA=([^,\\s]+)").map(v -> !v.equals("0") && !v.equalsIgnoreCase("OFF")).orElse(false);
        this.javacpp = javacppVersion();
        this.natives = Loader.getPlatform();
        this.arch = System.getProperty("os.arch");
        this.atenKernels = torch.get_cpu_capability().getString();
        this.onednn = match(torch.get_mkldnn_version().getString(), "(v[0-9.]+)").orElse("absent");
        Map<String, String> cpu = readCpuInfo();
        this.cpuModel = cpu.getOrDefault("model", "(unknown CPU)");
        this.flagsKnown = cpu.containsKey("flags");
        this.cpuFlags = new TreeSet<>(List.of(cpu.getOrDefault("flags", "").split("\\s+")));
    }

    /** The capabilities of this process (detected on first call). */
    public static Capabilities get() {
        return Detected.INSTANCE;
    }

    private static Optional<String> match(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private static String javacppVersion() {
        try {
            String v = Loader.getVersion();
            return v == null ? "?" : v;
        } catch (IOException e) {
            return "?";
        }
    }

    /** Model name and flags of the first processor in {@code /proc/cpuinfo} (Linux; empty elsewhere). */
    private static Map<String, String> readCpuInfo() {
        Map<String, String> out = new LinkedHashMap<>();
        Path p = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(p)) {
            return out;
        }
        try {
            for (String line : Files.readAllLines(p)) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    if (line.isBlank() && out.containsKey("flags")) {
                        break; // the first processor is enough
                    }
                    continue;
                }
                String key = line.substring(0, colon).trim();
                String value = line.substring(colon + 1).trim();
                if (key.equals("model name") || key.equals("Model")) { // x86 / some aarch64 kernels
                    out.putIfAbsent("model", value);
                } else if (key.equals("flags") || key.equals("Features")) { // x86 / aarch64
                    out.putIfAbsent("flags", value);
                }
            }
        } catch (IOException | RuntimeException e) {
            // unreadable: the features are reported as unknown
        }
        return out;
    }

    public String engine() {
        return engine;
    }

    public String natives() {
        return natives;
    }

    public String atenKernels() {
        return atenKernels;
    }

    /** Whether the CPU has the named flag (Linux's name, e.g. {@code avx512_bf16}); false where flags are unknown. */
    public boolean hasFlag(String flag) {
        return cpuFlags.contains(flag);
    }

    /**
     * Whether the CPU does bfloat16 arithmetic itself (AVX512-BF16, AMX-BF16 or AVX-NE-CONVERT on
     * x86-64, BF16 on aarch64), so bfloat16 products can beat float32; empty where its flags are unknown.
     */
    public Optional<Boolean> nativeBfloat16() {
        if (!flagsKnown) {
            return Optional.empty();
        }
        return Optional.of(hasFlag("avx512_bf16") || hasFlag("amx_bf16") || hasFlag("avx_ne_convert") || hasFlag("bf16"));
    }

    /**
     * A one-line notice when bfloat16 will likely be slower than float32 here: its products fall back to
     * libtorch's generic kernels, or the CPU has no bfloat16 arithmetic of its own.
     */
    public Optional<String> bfloat16Notice() {
        ProductPath bf16 = ProductPaths.of(ScalarType.BFloat16);
        if (bf16 != ProductPath.ONEDNN_PACKED) {
            String why = OneDnn.refusal(ScalarType.BFloat16);
            String reason = why == null || !ProductPaths.setting().equals("auto") ? ProductPaths.SWITCH + "=" + ProductPaths.setting()
                    : why.substring(why.indexOf(": ") + 2);
            return Optional.of(bf16 == ProductPath.ONEDNN_WIDENED
                    ? "no bfloat16 kernels here: bfloat16 products run as float32 products of bfloat16 values, a little slower than "
                            + "float32 (" + reason + ")"
                    : "bfloat16 products fall back to libtorch's generic kernels here, far slower than float32 (" + reason + ")");
        }
        if (nativeBfloat16().map(b -> !b).orElse(false)) {
            return Optional.of("this CPU has no bfloat16 arithmetic (AVX512-BF16, AMX or AVX-NE-CONVERT): bfloat16 is converted "
                    + "in software and may be slower than float32");
        }
        return Optional.empty();
    }

    /** The CPU features that decide a path here, present or absent (e.g. "avx2 avx512f ... -amx_bf16"). */
    public String features() {
        if (!flagsKnown) {
            return "(CPU features unknown on this OS)";
        }
        List<String> shown = new ArrayList<>();
        boolean x86 = arch.equals("amd64") || arch.equals("x86_64");
        for (String f : FLAGS_SHOWN) {
            boolean armFlag = f.equals("asimd") || f.equals("sve") || f.equals("bf16");
            if (armFlag == x86) {
                continue;
            }
            shown.add(hasFlag(f) ? f : "-" + f);
        }
        return String.join(" ", shown);
    }

    /** The kernel switches set in the environment, as NAME=value. */
    public List<String> switchesSet() {
        List<String> out = new ArrayList<>();
        for (String k : KERNEL_SWITCHES) {
            String v = System.getenv(k);
            if (v != null) {
                out.add(k + "=" + v);
            }
        }
        String prop = System.getProperty(ProductPaths.PROPERTY);
        if (prop != null) {
            out.add("-D" + ProductPaths.PROPERTY + "=" + prop);
        }
        return out;
    }

    /** Named rows for people and for JSON, in display order. */
    public Map<String, String> rows() {
        Map<String, String> r = new LinkedHashMap<>();
        r.put("engine", engine + " (JavaCPP " + javacpp + "), " + (cudaBuild ? "CUDA build" + cudaDevices() : "CPU-only build"));
        r.put("natives", natives);
        r.put("cpu", cpuModel + " (" + arch + "), " + Runtime.getRuntime().availableProcessors() + " logical cores");
        r.put("cpu features", features());
        r.put("kernels", "ATen " + atenKernels + ", oneDNN " + onednn);
        r.put("threads", Integer.toString(torch.get_num_threads()));
        r.put("float32 products", describe(ScalarType.Float));
        r.put("bfloat16 products", describe(ScalarType.BFloat16));
        r.put("switches", switchesSet().isEmpty() ? "none set (" + ProductPaths.SWITCH + "=auto)" : String.join(" ", switchesSet()));
        bfloat16Notice().ifPresent(n -> r.put("note", n));
        return r;
    }

    private static String cudaDevices() {
        return torch.cuda_is_available() ? ", " + torch.cuda_device_count() + " CUDA device(s)" : ", no CUDA device visible";
    }

    private static String describe(ScalarType dtype) {
        ProductPath p = ProductPaths.of(dtype);
        String why = OneDnn.refusal(dtype);
        return p.id() + " (" + p.description() + ")" + (p != ProductPath.ONEDNN_PACKED && why != null ? "; oneDNN: " + why : "");
    }

    /** One line for a benchmark's header. */
    public String oneLine() {
        return String.format(Locale.ROOT, "%s on %s, %s threads; ATen %s; products: float32 %s, bfloat16 %s", engine, natives,
                torch.get_num_threads(), atenKernels, ProductPaths.of(ScalarType.Float).id(), ProductPaths.of(ScalarType.BFloat16).id())
                + (flagsKnown ? "; " + features() : "");
    }
}
