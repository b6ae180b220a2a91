package io.piip4j.llava;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.piip4j.llava.config.JsonKeys;
import io.piip4j.llava.projector.ProjectorConfig;
import io.piip4j.llava.projector.TwoBranchProjector;
import io.piip4j.llava.tower.PiipVisionTower;
import io.piip4j.llava.tower.PresetShapes;
import io.piip4j.llava.tower.TowerConfig;
import io.piip4j.llava.tower.VisionTowerHolder;
import io.piip4j.nn.Module;
import io.piip4j.tensor.Inference;
import io.piip4j.tensor.NdArray;
import io.piip4j.tensor.Tensors;
import io.piip4j.testing.Golden;
import io.piip4j.testing.RunsGolden;
import io.piip4j.weights.LoadReport;
import io.piip4j.weights.PthReader;
import io.piip4j.weights.StateDictLoader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The PIIP-LLaVA vision towers built by the release's code (two CLIP branches; ConvNeXt + CLIP)
 * with the two-branch projector: same parameters by name and count, and every saved tensor (the
 * embeddings' taps, each interaction's outputs and class tokens, both final maps, the projected
 * image tokens) within the golden README's bound.
 */
@RunsGolden("llava_tower_*")
class LlavaTowerGoldenTest {

    static Stream<String> cases() {
        return Golden.claimed(LlavaTowerGoldenTest.class);
    }

    /** The checkpoint's layout: {@code vision_tower.vision_tower.*} and {@code mm_projector.*}. */
    static final class TowerAndProjector extends Module {
        final PiipVisionTower tower;
        final TwoBranchProjector projector;

        TowerAndProjector(TowerConfig tower, ProjectorConfig projector, long hidden) {
            this.tower = child("vision_tower", new VisionTowerHolder(new PiipVisionTower(tower))).tower();
            this.projector = child("mm_projector", new TwoBranchProjector(projector, hidden));
        }
    }

    static TowerAndProjector build(Path dir) {
        JsonNode c = Golden.caseJson(dir);
        JsonKeys cj = JsonKeys.of(c, dir.resolve("case.json").toString());
        JsonKeys module = cj.object("config_module");
        PresetShapes shapes = new PresetShapes(cj.object("clip_presets"), cj.has("timm_convnext") ? cj.object("timm_convnext") : null);
        return new TowerAndProjector(TowerConfig.read(module.object("backbone"), shapes), ProjectorConfig.read(module.object("projector")),
                cj.positive("llm_hidden_size", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void agreesWithReference(String name) {
        Path dir = Golden.require().resolve(name);
        Map<String, Object> io = Golden.map(PthReader.read(dir.resolve("io.pth")));
        try (TowerAndProjector model = build(dir)) {
            assertEquals(Golden.numParameters(dir), model.numParameters(), "parameter count");
            LoadReport report = StateDictLoader.load(model, PthReader.readStateDict(dir.resolve("weights.pth")), true, name);
            assertTrue(report.clean(), report.summary());
            Map<String, NdArray> got = Inference.run(() -> {
                Map<String, NdArray> out = new LinkedHashMap<>();
                Tensor input = Tensors.fromNdArray((NdArray) io.get("input"));
                PiipVisionTower.Maps maps = model.tower.forward(input, (k, v) -> out.put("tap." + k, Tensors.toNdArray(v)));
                out.put("branch1_map", Tensors.toNdArray(maps.branch1()));
                out.put("branch2_map", Tensors.toNdArray(maps.branch2()));
                out.put("projected", Tensors.toNdArray(model.projector.forward(maps.branch1(), maps.branch2())));
                return out;
            });
            int compared = 0;
            for (Map.Entry<String, Object> e : io.entrySet()) {
                if (e.getKey().equals("input")) {
                    continue;
                }
                NdArray ref = (NdArray) e.getValue();
                NdArray port = got.get(e.getKey());
                assertTrue(port != null, name + ": the port produced no " + e.getKey() + " (it produced " + got.keySet() + ")");
                Golden.assertAgrees(ref, port, name + " " + e.getKey());
                double[] d = Golden.deviationAndScale(ref, port);
                System.out.printf(Locale.ROOT, "%s %s: max |port - ref| %.3g, bound %.3g%n", name, e.getKey(), d[0], 1e-4 * d[1]);
                compared++;
            }
            assertEquals(io.size() - 1, compared);
        }
    }
}
