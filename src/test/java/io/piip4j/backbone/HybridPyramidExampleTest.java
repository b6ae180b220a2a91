package io.piip4j.backbone;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.config.BranchKind;
import io.piip4j.config.ConfigReader;
import io.piip4j.config.PiipConfig;
import io.piip4j.count.Convention;
import io.piip4j.count.FlopCounter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's own pyramid (BEiT-B / ConvNeXt-S / DeiT-T): the config reads as those kinds, and
 * the module it builds (nothing allocated) has exactly the parameters {@code piip info} reports.
 */
class HybridPyramidExampleTest {
    static final Path EXAMPLE = Path.of("examples/piip-hybrid-beit-convnext-deit-1024-672-448.json");

    @Test
    void buildsWithTheCostInfoReports() throws Exception {
        PiipConfig cfg = ConfigReader.read(EXAMPLE);
        assertEquals(List.of(BranchKind.BEIT, BranchKind.CONVNEXT, BranchKind.DEIT),
                cfg.branches().stream().map(b -> b.kind()).toList());
        long counted = FlopCounter.count(new ObjectMapper().readTree(EXAMPLE.toFile()), "hybrid", null)
                .get(Convention.DET_SCRIPT).totalParams();
        try (PiipNetwork net = PiipNetwork.structure(cfg)) {
            assertEquals(counted, net.numParameters());
        }
        assertEquals(193_182_924L, counted, "the figure the README shows");
    }
}
