package io.piip4j.llava;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.llava.config.JsonKeys;
import io.piip4j.llava.lm.LlamaConfig;
import io.piip4j.llava.projector.ProjectorConfig;
import io.piip4j.llava.tower.CheckpointShapes;
import io.piip4j.llava.tower.TowerConfig;
import io.piip4j.tensor.NdArray;
import io.piip4j.weights.LoadReport;
import io.piip4j.weights.PthReader;
import io.piip4j.weights.StateDictLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A golden-case folder as a model: {@code case.json} with the release's tower and projector
 * config ({@code config_module}) and the decoder's ({@code llama_config}), and the whole model's
 * state dict in {@code weights.pth}.
 */
public final class LlavaCase {
    /** The key prefix of the tower in a whole-model state dict. */
    public static final String TOWER_PREFIX = "model.vision_tower.vision_tower.";

    private LlavaCase() {
    }

    /** Whether {@code dir} is such a case folder. */
    public static boolean isCase(Path dir) {
        Path c = dir.resolve("case.json");
        return java.nio.file.Files.isRegularFile(c) && describes(read(c));
    }

    /** Whether a case.json describes a whole PIIP-LLaVA model (it names a LLaMA config). */
    public static boolean describes(JsonNode caseJson) {
        return caseJson != null && caseJson.has("llama_config") && caseJson.has("config_module");
    }

    /** The model of the case folder {@code dir} (its case.json and weights.pth). */
    public static LlavaConfig config(Path dir) {
        Path weights = dir.resolve("weights.pth");
        return config(read(dir.resolve("case.json")), dir.resolve("case.json").toString(), PthReader.readStateDict(weights), weights.toString());
    }

    /** The model a case.json describes, sized by the checkpoint it comes with. */
    public static LlavaConfig config(JsonNode caseJson, String caseName, Map<String, NdArray> weights, String weightsName) {
        JsonKeys c = JsonKeys.of(caseJson, caseName);
        Map<String, long[]> shapes = new LinkedHashMap<>();
        weights.forEach((k, v) -> shapes.put(k, v.shape()));
        JsonKeys module = c.object("config_module");
        TowerConfig tower = TowerConfig.read(module.object("backbone"), new CheckpointShapes(shapes, TOWER_PREFIX, weightsName));
        return new LlavaConfig(tower, ProjectorConfig.read(module.object("projector")), LlamaConfig.read(c.object("llama_config")), "square");
    }

    /** Where a whole-model state dict may hold the decoder's rotary frequencies (a buffer transformers does not save). */
    public static final String INV_FREQ = "model.rotary_emb.inv_freq";

    /**
     * Loads a case's state dict into its model, strictly; a saved {@value #INV_FREQ} becomes the
     * decoder's rotary frequencies (a generator that alters that buffer has to save it for the
     * case to be reproducible).
     */
    public static LoadReport load(LlavaModel model, Map<String, NdArray> stateDict, String source) {
        Map<String, NdArray> sd = new LinkedHashMap<>(stateDict);
        NdArray invFreq = sd.remove(INV_FREQ);
        LoadReport report = StateDictLoader.load(model, sd, true, source);
        if (invFreq != null) {
            model.decoder().useRotaryFrequencies(invFreq.toFloats());
        }
        return report;
    }

    /** The case's fixed prompt ids ({@code token_ids}, the image placeholder included) and how many tokens it generates. */
    public static long[] tokenIds(JsonNode caseJson, String caseName) {
        return JsonKeys.of(caseJson, caseName).longs("token_ids");
    }

    public static int newTokens(JsonNode caseJson, String caseName) {
        return JsonKeys.of(caseJson, caseName).positiveInt("new_tokens", 8);
    }

    static JsonNode read(Path file) {
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }
}
