package io.piip4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.tensor.Capabilities;
import io.piip4j.tensor.ProductPath;
import io.piip4j.tensor.ProductPaths;
import io.piip4j.testing.Paths;
import java.util.stream.Stream;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a user sees of the machine's paths: {@code info --system}, and {@code classify --dtype bf16}
 * giving float32's top-1 on every bfloat16 path, with the notice exactly where bfloat16 is slower.
 */
class PortabilityCliTest {
    private static final String IMAGE = "examples/fashion-mnist-ankle-boot.png";

    @Test
    void infoSystemNamesEngineNativesThreadsAndPaths() throws Exception {
        CliRun text = CliRun.of("info", "--system");
        assertEquals(0, text.exitCode(), text.err());
        for (String row : new String[] {"engine", "natives", "cpu features", "threads", "float32 products", "bfloat16 products"}) {
            assertTrue(text.out().lines().anyMatch(l -> l.startsWith(row + " ")), row + " missing:\n" + text.out());
        }
        CliRun json = CliRun.of("info", "--system", "--json");
        JsonNode o = new ObjectMapper().readTree(json.out());
        assertEquals(ProductPaths.of(ScalarType.Float).id(), o.get("float32 products").asText().split(" ")[0]);
        assertEquals(ProductPaths.of(ScalarType.BFloat16).id(), o.get("bfloat16 products").asText().split(" ")[0]);
        assertTrue(o.get("engine").asText().startsWith("libtorch 2.10.0"), o.toString());
        CliRun both = CliRun.of("info", "--system", "piip-tsb-cls-368");
        assertEquals(2, both.exitCode());
        assertTrue(both.errorLine().contains("--system"), both.err());
    }

    static Stream<ProductPath> bfloat16Paths() {
        return Paths.bfloat16();
    }

    @ParameterizedTest
    @MethodSource("bfloat16Paths")
    void bfloat16ClassifiesAsFloat32DoesOnEveryPath(ProductPath path) throws Exception {
        String fp32Top = top1(CliRun.of("classify", "--json", "--top", "1", IMAGE));
        try (ProductPaths.Forced p = Paths.use(path, ScalarType.BFloat16)) {
            CliRun bf16 = CliRun.of("classify", "--json", "--top", "1", "--dtype", "bf16", IMAGE);
            assertEquals(0, bf16.exitCode(), bf16.err());
            assertEquals(fp32Top, top1(bf16), path + ": same top-1 as float32");
            boolean noticed = bf16.err().contains("piip: note:") && bf16.err().contains("slower than float32");
            assertEquals(Capabilities.get().bfloat16Notice().isPresent(), noticed, path + ": " + bf16.err());
            assertEquals(path != ProductPath.ONEDNN_PACKED, noticed || Capabilities.get().nativeBfloat16().map(b -> !b).orElse(false),
                    "a fallback path always says it is slower: " + bf16.err());
        }
    }

    private static String top1(CliRun run) throws Exception {
        assertEquals(0, run.exitCode(), run.err());
        JsonNode r = new ObjectMapper().readTree(run.out());
        JsonNode first = r.isArray() ? r.get(0) : r;
        return first.findValue("label").asText();
    }
}
