package io.piip4j.llava;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.config.ConfigException;
import io.piip4j.llava.config.JsonKeys;
import io.piip4j.llava.lm.LlamaConfig;
import io.piip4j.llava.projector.ProjectorConfig;
import io.piip4j.llava.tower.CheckpointShapes;
import io.piip4j.llava.tower.TowerConfig;
import io.piip4j.nn.InferenceWeights;
import io.piip4j.tensor.NdArray;
import io.piip4j.weights.PthReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A PIIP-LLaVA model folder, loaded: either a released checkpoint in Hugging Face's layout
 * ({@code config.json} with the LLaMA keys, the tower config as JSON — {@code piip_vision_tower}
 * in config.json or a {@code piip_tower.json} beside it, holding the release's {@code model} dict
 * of {@code llava/configs/*.py}: {@code backbone} and {@code projector} —, weights in one file or
 * shards with an index, {@code tokenizer.json}), or a golden case folder ({@code case.json} +
 * {@code weights.pth}, fixed prompt ids, no tokenizer).
 */
public final class LlavaCheckpoint implements AutoCloseable {
    private final LlavaModel model;
    private final Path tokenizer;
    private final long bosId;
    private final long[] stopIds;
    private final long[] fixedPromptIds;

    private LlavaCheckpoint(LlavaModel model, Path tokenizer, long bosId, long[] stopIds, long[] fixedPromptIds) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.bosId = bosId;
        this.stopIds = stopIds;
        this.fixedPromptIds = fixedPromptIds;
    }

    public LlavaModel model() {
        return model;
    }

    /** The folder's tokenizer.json, or null where none ships. */
    public Path tokenizer() {
        return tokenizer;
    }

    public long bosId() {
        return bosId;
    }

    public long[] stopIds() {
        return stopIds.clone();
    }

    /** A golden case's fixed prompt ids (null for released folders). */
    public long[] fixedPromptIds() {
        return fixedPromptIds == null ? null : fixedPromptIds.clone();
    }

    /**
     * @param bfloat16 keep the decoder's half-precision weights (bfloat16, or float16 rounded to bfloat16) in bfloat16; the tower and projector always run in float32
     * @param progress told each shard's name once it is loaded (may be null)
     */
    public static LlavaCheckpoint open(Path dir, boolean bfloat16, Consumer<String> progress) {
        if (!Files.isDirectory(dir)) {
            throw new ConfigException(dir + ": not a folder (give a PIIP-LLaVA checkpoint folder)");
        }
        if (LlavaCase.isCase(dir)) {
            return openCase(dir);
        }
        Released r = released(dir);
        JsonKeys config = r.config();
        LlavaConfig cfg = r.model();
        ShardedWeights weights = r.weights();
        String first = r.towerShard();
        Map<String, NdArray> firstShard = r.towerTensors();
        LlavaModel model = new LlavaModel(cfg);
        try {
            weights.load(model, first, firstShard, k -> bfloat16 && !k.startsWith("model.vision_tower.") && !k.startsWith("model.mm_projector."),
                    progress);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        InferenceWeights.keepOnlyPacked(model); // for inference: one copy of each linear weight (a 7B decoder is ~14 GB)
        Path tok = dir.resolve("tokenizer.json");
        return new LlavaCheckpoint(model, Files.isRegularFile(tok) ? tok : null, config.positive("bos_token_id", 1L),
                new long[] {config.positive("eos_token_id", 2L)}, null);
    }

    /**
     * The model a folder describes, built without weights (for counting): a golden case's or a
     * released folder's config, the tower sized from the checkpoint's shapes (for a released folder
     * that reads the shard holding the tower).
     */
    public static LlavaModel structure(Path dir) {
        if (LlavaCase.isCase(dir)) {
            return new LlavaModel(LlavaCase.config(dir));
        }
        return new LlavaModel(released(dir).model());
    }

    /** A released folder's configs, weights and the shard holding the tower (read: it sizes the tower). */
    private record Released(JsonKeys config, LlavaConfig model, ShardedWeights weights, String towerShard, Map<String, NdArray> towerTensors) {
    }

    private static Released released(Path dir) {
        Path configFile = dir.resolve("config.json");
        if (!Files.isRegularFile(configFile)) {
            throw new ConfigException(dir + ": no config.json (nor a golden case.json)");
        }
        JsonKeys config = JsonKeys.of(read(configFile), configFile.toString());
        JsonKeys module = towerModule(dir, config);
        ShardedWeights weights = ShardedWeights.of(dir);
        String first = weights.files(LlavaCase.TOWER_PREFIX).get(0);
        Map<String, NdArray> firstShard = weights.read(first);
        Map<String, long[]> shapes = new LinkedHashMap<>();
        firstShard.forEach((k, v) -> shapes.put(k, v.shape()));
        TowerConfig tower = TowerConfig.read(module.object("backbone"), new CheckpointShapes(shapes, LlavaCase.TOWER_PREFIX, dir.resolve(first).toString()));
        LlavaConfig cfg = new LlavaConfig(tower, ProjectorConfig.read(module.object("projector")), LlamaConfig.read(config),
                config.string("image_aspect_ratio", "pad"));
        return new Released(config, cfg, weights, first, firstShard);
    }

    private static JsonKeys towerModule(Path dir, JsonKeys config) {
        if (config.has("piip_vision_tower")) {
            return config.object("piip_vision_tower");
        }
        Path file = dir.resolve("piip_tower.json");
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(dir + ": the vision tower's config is missing: put the release's model dict (backbone, projector)"
                    + " of " + (config.has("mm_vision_tower") ? config.string("mm_vision_tower", "") : "llava/configs/<name>.py")
                    + " as JSON in piip_tower.json, or under piip_vision_tower in config.json");
        }
        return JsonKeys.of(read(file), file.toString());
    }

    private static LlavaCheckpoint openCase(Path dir) {
        Path weightsFile = dir.resolve("weights.pth");
        Map<String, NdArray> sd = PthReader.readStateDict(weightsFile);
        JsonNode caseJson = LlavaCase.read(dir.resolve("case.json"));
        String name = dir.resolve("case.json").toString();
        LlavaModel model = new LlavaModel(LlavaCase.config(caseJson, name, sd, weightsFile.toString()));
        LlavaCase.load(model, sd, weightsFile.toString());
        InferenceWeights.keepOnlyPacked(model);
        JsonKeys c = JsonKeys.of(caseJson, name);
        long eos = c.object("llama_config").has("eos_token_id") ? c.object("llama_config").positive("eos_token_id", null) : -1;
        return new LlavaCheckpoint(model, null, 1, eos < 0 ? new long[0] : new long[] {eos}, LlavaCase.tokenIds(caseJson, name));
    }

    static JsonNode read(Path file) {
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new ConfigException(file + ": not readable JSON: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        model.close();
    }

}
