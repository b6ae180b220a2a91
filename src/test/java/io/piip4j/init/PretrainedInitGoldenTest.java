package io.piip4j.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.piip4j.backbone.branch.Branch;
import io.piip4j.config.BranchConfig;
import io.piip4j.config.ConfigReader;
import io.piip4j.tensor.Tensors;
import io.piip4j.testing.Golden;
import io.piip4j.testing.RunsGolden;
import io.piip4j.tensor.NdArray;
import io.piip4j.weights.PthReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The reference's own loads of single-branch checkpoints into PIIP branches ({@code golden/init}):
 * every key of {@code result.pth} must come out of our loader, bit for bit where the reference
 * copies (or leaves a constant), to float32 rounding where it resizes bicubically; and the
 * loader's report must name the same keys copied, resized, skipped, unexpected and missing.
 * Every case also goes through a real branch ({@link Branch#create}, {@link Branch#createDense}),
 * initialised as the reference's constructor does ({@link ReferenceInit#initBranch}) and loaded by
 * {@link PretrainedBranch#load}, so the keys the module lacks or keeps are checked too.
 */
@RunsGolden({"init/init_deit_*", "init/init_augreg_*", "init/init_internvit_*", "init/init_mae_*", "init/init_dinov2_*"})
class PretrainedInitGoldenTest {
    static Stream<String> cases() {
        return Golden.claimed(PretrainedInitGoldenTest.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reproducesEveryKey(String name) throws Exception {
        Path dir = Golden.file(name);
        JsonNode bc = new ObjectMapper().readTree(dir.resolve("branch_config.json").toFile());
        JsonNode report = new ObjectMapper().readTree(dir.resolve("loaded_report.json").toFile());
        JsonNode kw = bc.get("constructor_kwargs");
        String ctor = bc.get("constructor").asText();
        boolean cls = ctor.startsWith("classification/");
        LoaderPath path = ctor.contains("deit.py") ? (cls ? LoaderPath.DEIT_CLS : LoaderPath.DEIT_DET)
                : (cls ? LoaderPath.INTERNVIT_CLS : LoaderPath.INTERNVIT_DET);
        boolean hasHead = kw.path("use_final_norm_and_head").asBoolean(false);
        int patch = kw.get("patch_size").asInt();
        PretrainedBranch.Geometry g = new PretrainedBranch.Geometry(kw.path("img_size").asInt(kw.get("pretrain_img_size").asInt()),
                patch, kw.get("pretrain_img_size").asInt(), kw.get("pretrain_patch_size").asInt(), hasHead);

        Map<String, NdArray> expected = PthReader.readStateDict(dir.resolve("result.pth"));
        Map<String, NdArray> checkpoint = PthReader.readStateDict(dir.resolve("pretrained.pth"));
        Map<String, long[]> shapes = new LinkedHashMap<>();
        expected.forEach((k, v) -> shapes.put(k, v.shape()));

        PretrainedBranch.Converted c = PretrainedBranch.convert(checkpoint, path, g, shapes, null, name);
        Map<String, NdArray> actual = new LinkedHashMap<>(c.tensors());

        // the real branch, built and initialised as the reference's constructor does: its own
        // values for what the checkpoint lacks (e.g. layer-scale gammas), and the same key set
        BranchConfig b = branchConfig(bc.get("piip_branch_config"));
        torch.manual_seed(0);
        try (Branch branch = cls ? Branch.create(b, hasHead) : Branch.createDense(b)) {
            Map<String, long[]> moduleShapes = new LinkedHashMap<>();
            branch.namedParameters().forEach((k, p) -> moduleShapes.put(k, p.shape()));
            assertEquals(new TreeSet<>(expected.keySet()), new TreeSet<>(moduleShapes.keySet()), name + ": branch keys");
            ReferenceInit.initBranch(branch);
            BranchInitReport r = PretrainedBranch.load(branch, checkpoint, path, name, hasHead);
            assertTrue(r.summary().contains("copied"), r.summary());
            branch.namedParameters().forEach((k, p) -> actual.put(k, Tensors.toNdArray(p.get())));
        }

        List<String> resized = statusKeys(report, "resized");
        assertEquals(new TreeSet<>(expected.keySet()), new TreeSet<>(actual.keySet()), name + ": keys");
        for (Map.Entry<String, NdArray> e : expected.entrySet()) {
            NdArray a = actual.get(e.getKey());
            assertArrayEquals(e.getValue().shape(), a.shape(), name + ": " + e.getKey() + " shape");
            if (resized.contains(e.getKey())) {
                assertClose(e.getValue(), a, name + ": " + e.getKey());
            } else {
                assertArrayEquals(e.getValue().toFloats(), a.toFloats(), name + ": " + e.getKey() + " (bitwise)");
            }
        }

        // the report: same keys per status as the reference observed
        assertEquals(new TreeSet<>(resized), new TreeSet<>(keys(c.report(), "resized")), name + ": resized keys");
        assertEquals(new TreeSet<>(statusKeys(report, "unexpected")), new TreeSet<>(keys(c.report(), "unexpected")),
                name + ": unexpected keys");
        assertEquals(new TreeSet<>(strings(report.path("load_state_dict").path("missing_keys"))),
                new TreeSet<>(keys(c.report(), "missing")), name + ": missing keys");
        assertEquals(new TreeSet<>(strings(report.path("checkpoint_keys_dropped_by_loader"))),
                new TreeSet<>(keys(c.report(), "skipped")), name + ": keys the loader drops");
    }

    /** The .npz route: converting AugReg's JAX arrays gives the reference converter's .pth. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("augregCases")
    void augregNpzConvertsAsTheReferenceScript(String name) {
        Path dir = Golden.file(name);
        Map<String, NdArray> expected = PthReader.readStateDict(dir.resolve("pretrained.pth"));
        Map<String, NdArray> actual = AugRegNpz.read(dir.resolve("pretrained.npz"));
        assertEquals(new TreeSet<>(expected.keySet()), new TreeSet<>(actual.keySet()));
        for (Map.Entry<String, NdArray> e : expected.entrySet()) {
            assertArrayEquals(e.getValue().shape(), actual.get(e.getKey()).shape(), e.getKey());
            assertArrayEquals(e.getValue().toFloats(), actual.get(e.getKey()).toFloats(), e.getKey());
        }
    }

    static Stream<String> augregCases() {
        return cases().filter(n -> n.contains("augreg") || n.equals(Golden.ABSENT));
    }

    static BranchConfig branchConfig(JsonNode piipBranch) {
        ObjectNode b = piipBranch.deepCopy();
        if (!b.has("real_size")) {
            b.remove("pretrained"); // only a dense branch needs it: its kind is read from the pretrained name
        }
        ObjectNode pair = new ObjectMapper().createObjectNode();
        pair.put("separate_head", true);
        pair.put("interact_attn_type", "normal");
        pair.put("deform_num_heads", 1);
        pair.set("branch1", b);
        pair.set("branch2", b);
        return ConfigReader.parse(pair).branches().get(0);
    }

    private static void assertClose(NdArray e, NdArray a, String what) {
        float[] x = e.toFloats();
        float[] y = a.toFloats();
        double max = 0;
        for (float v : x) {
            max = Math.max(max, Math.abs(v));
        }
        double bound = 2e-6 * Math.max(1, max);
        for (int i = 0; i < x.length; i++) {
            if (!(Math.abs(x[i] - y[i]) <= bound)) {
                fail(what + ": element " + i + " is " + y[i] + ", reference " + x[i] + " (bound " + bound + ")");
            }
        }
    }

    private static List<String> keys(List<KeyStatus> r, String status) {
        return r.stream().filter(k -> k.status().equals(status)).map(KeyStatus::key).toList();
    }

    private static List<String> statusKeys(JsonNode report, String prefix) {
        List<String> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = report.get("keys_handed_to_load_state_dict").fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().get("status").asText().startsWith(prefix)) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    private static List<String> strings(JsonNode arr) {
        List<String> out = new ArrayList<>();
        arr.forEach(n -> out.add(n.asText()));
        return out;
    }
}
