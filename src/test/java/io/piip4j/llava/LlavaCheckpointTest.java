package io.piip4j.llava;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.piip4j.config.ConfigException;
import io.piip4j.llava.lm.KvCache;
import io.piip4j.tensor.DType;
import io.piip4j.tensor.Inference;
import io.piip4j.tensor.NdArray;
import io.piip4j.tensor.Tensors;
import io.piip4j.testing.Golden;
import io.piip4j.weights.CheckpointException;
import io.piip4j.weights.PthReader;
import io.piip4j.weights.PthWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PIIP-LLaVA folder in Hugging Face's layout (config.json, the tower config as JSON, two .bin
 * shards with an index), built from the golden end-to-end case's weights: it loads shard by shard
 * and gives the case's image features; a missing shard or a wrong shape is one line naming the
 * file and the key; bfloat16 weights stay bfloat16 and still answer like the float32 model.
 */
class LlavaCheckpointTest {
    private static final String SHARD1 = "pytorch_model-00001-of-00002.bin";
    private static final String SHARD2 = "pytorch_model-00002-of-00002.bin";

    @TempDir
    Path tmp;

    private static Path caseDir() {
        return Golden.file("llava_e2e_tiny");
    }

    /** Writes the folder; {@code edit} may change the state dict first. */
    private Path folder(Map<String, NdArray> sd, boolean bf16Decoder) throws IOException {
        JsonNode c = Golden.caseJson(caseDir());
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = ((ObjectNode) c.get("llama_config")).deepCopy();
        config.put("architectures", "LlavaLlamaForCausalLM").put("image_aspect_ratio", "square").put("bos_token_id", 1).put("eos_token_id", 2);
        config.remove("attn_implementation");
        json.writeValue(tmp.resolve("config.json").toFile(), config);
        json.writeValue(tmp.resolve("piip_tower.json").toFile(), c.get("config_module"));
        Map<String, Object> a = new LinkedHashMap<>();
        Map<String, Object> b = new LinkedHashMap<>();
        ObjectNode map = json.createObjectNode();
        for (Map.Entry<String, NdArray> e : sd.entrySet()) {
            boolean vision = e.getKey().startsWith("model.vision_tower.") || e.getKey().startsWith("model.mm_projector.");
            (vision ? b : a).put(e.getKey(), vision || !bf16Decoder ? e.getValue() : bfloat16(e.getValue()));
            map.put(e.getKey(), vision ? SHARD2 : SHARD1);
        }
        // transformers before 4.32 saved the rotary frequencies: constants the loader must skip
        a.put("model.layers.0.self_attn.rotary_emb.inv_freq", NdArray.ofFloats(new float[8], 8));
        map.put("model.layers.0.self_attn.rotary_emb.inv_freq", SHARD1);
        PthWriter.write(tmp.resolve(SHARD1), a);
        PthWriter.write(tmp.resolve(SHARD2), b);
        json.writeValue(tmp.resolve("pytorch_model.bin.index.json").toFile(), json.createObjectNode().set("weight_map", map));
        return tmp;
    }

    private static NdArray bfloat16(NdArray a) {
        float[] f = a.toFloats();
        ByteBuffer out = ByteBuffer.allocate(2 * f.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : f) {
            int bits = Float.floatToIntBits(v);
            out.putShort((short) ((bits + 0x7FFF + ((bits >> 16) & 1)) >>> 16)); // round to nearest even
        }
        out.flip();
        return new NdArray(DType.BFLOAT16, a.shape(), out);
    }

    private static Map<String, NdArray> golden() {
        return PthReader.readStateDict(caseDir().resolve("weights.pth"));
    }

    private static float[][] featuresAndFirstLogits(LlavaModel model) {
        Map<String, Object> io = Golden.map(PthReader.read(caseDir().resolve("io.pth")));
        NdArray input = (NdArray) io.get("input");
        long[] ids = LlavaCase.tokenIds(Golden.caseJson(caseDir()), "case.json");
        return Inference.run(() -> {
            Tensor f = model.encodeImage(Tensors.fromNdArray(input));
            try (KvCache cache = model.newCache()) {
                Tensor logits = model.logits(model.forwardEmbeds(model.embedPrompt(ids, List.of(f)), cache));
                return new float[][] {Tensors.toFloats(f), Tensors.toFloats(logits.select(1, 0))};
            }
        });
    }

    @Test
    void shardedFolderLoadsAndAgrees() throws IOException {
        Path dir = folder(golden(), false);
        List<String> loaded = new java.util.ArrayList<>();
        try (LlavaCheckpoint ckpt = LlavaCheckpoint.open(dir, false, loaded::add)) {
            assertEquals(List.of(SHARD2, SHARD1), loaded, "the tower's shard first, then the rest, one at a time");
            Map<String, Object> io = Golden.map(PthReader.read(caseDir().resolve("io.pth")));
            float[][] got = featuresAndFirstLogits(ckpt.model());
            NdArray ref = (NdArray) io.get("image_features");
            Golden.assertAgrees(ref, NdArray.ofFloats(got[0], ref.shape()), "image features");
            float[] refLogits = java.util.Arrays.copyOf(((NdArray) io.get("prefill_logits")).toFloats(), 512);
            Golden.assertAgrees(NdArray.ofFloats(refLogits, 512), NdArray.ofFloats(got[1], 512), "first position's logits");
            assertEquals(2, ckpt.stopIds()[0]);
        }
    }

    /** A minimal safetensors writer (8-byte header length, JSON header, raw little-endian data). */
    private static void writeSafetensors(Path file, Map<String, NdArray> tensors) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode header = json.createObjectNode();
        long offset = 0;
        for (Map.Entry<String, NdArray> e : tensors.entrySet()) {
            long n = e.getValue().data().remaining();
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", e.getValue().dtype() == DType.BFLOAT16 ? "BF16" : "F32");
            ArrayNode shape = t.putArray("shape");
            for (long d : e.getValue().shape()) {
                shape.add(d);
            }
            t.putArray("data_offsets").add(offset).add(offset + n);
            offset += n;
        }
        byte[] h = json.writeValueAsBytes(header);
        try (var out = Files.newOutputStream(file)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length);
            out.write(len.array());
            out.write(h);
            for (NdArray a : tensors.values()) {
                ByteBuffer d = a.data().duplicate();
                byte[] b = new byte[d.remaining()];
                d.get(b);
                out.write(b);
            }
        }
    }

    @Test
    void singleSafetensorsFileLoads() throws IOException {
        Path dir = folder(golden(), false);
        Files.delete(dir.resolve("pytorch_model.bin.index.json"));
        Map<String, NdArray> all = new LinkedHashMap<>(PthReader.readStateDict(dir.resolve(SHARD1)));
        all.putAll(PthReader.readStateDict(dir.resolve(SHARD2)));
        all.replaceAll((k, v) -> k.startsWith("model.layers.") && !k.contains("rotary") ? bfloat16(v) : v);
        Files.delete(dir.resolve(SHARD1));
        Files.delete(dir.resolve(SHARD2));
        writeSafetensors(dir.resolve("model.safetensors"), all);
        try (LlavaCheckpoint ckpt = LlavaCheckpoint.open(dir, false, null)) {
            Map<String, Object> io = Golden.map(PthReader.read(caseDir().resolve("io.pth")));
            NdArray ref = (NdArray) io.get("image_features");
            Golden.assertAgrees(ref, NdArray.ofFloats(featuresAndFirstLogits(ckpt.model())[0], ref.shape()), "image features");
            assertEquals(ScalarType.Float.value,
                    ckpt.model().namedParameters().get("model.layers.0.mlp.up_proj.weight").get().scalar_type().value, "fp32 mode widens bfloat16");
        }
    }

    @Test
    void missingShardNamesFileAndKey() throws IOException {
        Path dir = folder(golden(), false);
        Files.delete(dir.resolve(SHARD1));
        CheckpointException e = assertThrows(CheckpointException.class, () -> LlavaCheckpoint.open(dir, false, null));
        assertEquals(dir.resolve(SHARD1) + ": missing shard (it should hold model.embed_tokens.weight)", e.getMessage());
    }

    @Test
    void wrongShapeNamesFileAndKey() throws IOException {
        Map<String, NdArray> sd = golden();
        sd.put("model.layers.1.mlp.up_proj.weight", NdArray.ofFloats(new float[64 * 64], 64, 64));
        Path dir = folder(sd, false);
        CheckpointException e = assertThrows(CheckpointException.class, () -> LlavaCheckpoint.open(dir, false, null));
        assertEquals(dir.resolve(SHARD1) + ": model.layers.1.mlp.up_proj.weight: shape [64, 64], the model expects [128, 64]", e.getMessage());
    }

    @Test
    void missingTowerConfigSaysWhatToProvide() throws IOException {
        Path dir = folder(golden(), false);
        Files.delete(dir.resolve("piip_tower.json"));
        ConfigException e = assertThrows(ConfigException.class, () -> LlavaCheckpoint.open(dir, false, null));
        assertTrue(e.getMessage().startsWith(dir + ": the vision tower's config is missing"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void bfloat16DecoderStaysBfloat16AndAgreesToItsRounding() throws IOException {
        Path dir = folder(golden(), true);
        try (LlavaCheckpoint ckpt = LlavaCheckpoint.open(dir, true, null)) {
            assertEquals(ScalarType.BFloat16.value,
                    ckpt.model().namedParameters().get("model.layers.0.mlp.up_proj.weight").get().scalar_type().value);
            assertEquals(ScalarType.Float.value,
                    ckpt.model().namedParameters().get("model.mm_projector.branch1.1.weight").get().scalar_type().value);
            float[] logits = featuresAndFirstLogits(ckpt.model())[1];
            float[] ref = java.util.Arrays.copyOf(((NdArray) Golden.map(PthReader.read(caseDir().resolve("io.pth"))).get("prefill_logits")).toFloats(), 512);
            double worst = 0;
            for (int i = 0; i < 512; i++) {
                worst = Math.max(worst, Math.abs(logits[i] - ref[i]));
            }
            // bfloat16 keeps 8 bits of mantissa: a 2-layer model's logits (|x| up to ~3) move by a few 1e-2
            assertTrue(worst < 0.1, "bfloat16 decoder's first logits differ by " + worst);
            System.out.println("bfloat16 decoder: first position's logits within " + worst + " of the float32 reference");
        }
    }
}
