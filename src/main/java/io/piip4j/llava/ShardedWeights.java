package io.piip4j.llava;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.nn.Module;
import io.piip4j.nn.Parameter;
import io.piip4j.tensor.DType;
import io.piip4j.tensor.NdArray;
import io.piip4j.tensor.Tensors;
import io.piip4j.weights.CheckpointException;
import io.piip4j.weights.Checkpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * A Hugging Face checkpoint folder's weights: one file ({@code model.safetensors},
 * {@code pytorch_model.bin}) or shards listed by an index ({@code *.index.json}'s
 * {@code weight_map}), read one shard at a time through the safe readers and copied into the
 * model, so only one shard is in Java memory at once. Every problem is one line naming the file
 * and the key: a missing shard, a key the model lacks, a shape that differs, a parameter no shard holds.
 */
public final class ShardedWeights {
    private static final List<String> INDEXES = List.of("model.safetensors.index.json", "pytorch_model.bin.index.json");
    private static final List<String> SINGLE = List.of("model.safetensors", "pytorch_model.bin");

    private final Path dir;
    /** Shard file name to the keys the index places in it (in index order); one entry when unsharded. */
    private final Map<String, List<String>> shards;

    private ShardedWeights(Path dir, Map<String, List<String>> shards) {
        this.dir = dir;
        this.shards = shards;
    }

    /** Whether {@code dir} holds weights in this layout. */
    public static boolean present(Path dir) {
        return INDEXES.stream().anyMatch(f -> Files.isRegularFile(dir.resolve(f))) || SINGLE.stream().anyMatch(f -> Files.isRegularFile(dir.resolve(f)));
    }

    public static ShardedWeights of(Path dir) {
        for (String name : INDEXES) {
            Path index = dir.resolve(name);
            if (Files.isRegularFile(index)) {
                return new ShardedWeights(dir, readIndex(index));
            }
        }
        for (String name : SINGLE) {
            if (Files.isRegularFile(dir.resolve(name))) {
                Map<String, List<String>> one = new LinkedHashMap<>();
                one.put(name, null);
                return new ShardedWeights(dir, one);
            }
        }
        throw new CheckpointException(dir + ": no model.safetensors, pytorch_model.bin or their .index.json");
    }

    private static Map<String, List<String>> readIndex(Path index) {
        JsonNode map;
        try {
            map = new ObjectMapper().readTree(index.toFile()).get("weight_map");
        } catch (IOException e) {
            throw new CheckpointException(index + ": not readable JSON: " + e.getMessage(), e);
        }
        if (map == null || !map.isObject()) {
            throw new CheckpointException(index + ": weight_map: missing or not an object");
        }
        Map<String, List<String>> shards = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual() || e.getValue().asText().contains("/") || e.getValue().asText().contains("\\")) {
                throw new CheckpointException(index + ": weight_map." + e.getKey() + ": expected a file name in this folder, got " + e.getValue());
            }
            shards.computeIfAbsent(e.getValue().asText(), k -> new ArrayList<>()).add(e.getKey());
        }
        return shards;
    }

    /** The shard files, those holding any key starting with {@code prefix} first. */
    public List<String> files(String prefix) {
        List<String> first = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        shards.forEach((f, keys) -> (keys == null || keys.stream().anyMatch(k -> k.startsWith(prefix)) ? first : rest).add(f));
        first.addAll(rest);
        return first;
    }

    /** Reads one shard (failing with its name and the first key it should hold when it is absent). */
    public Map<String, NdArray> read(String file) {
        Path p = dir.resolve(file);
        if (!Files.isRegularFile(p)) {
            List<String> keys = shards.get(file);
            throw new CheckpointException(p + ": missing shard" + (keys == null || keys.isEmpty() ? "" : " (it should hold " + keys.get(0) + ")"));
        }
        Map<String, NdArray> sd = Checkpoints.readStateDict(p);
        List<String> listed = shards.get(file);
        if (listed != null) {
            for (String k : listed) {
                if (!sd.containsKey(k)) {
                    throw new CheckpointException(p + ": " + k + ": listed in the index but not in the file");
                }
            }
        }
        return sd;
    }

    /**
     * Copies every shard into the model, starting with {@code first} (already read, may be null).
     * bfloat16 and float16 tensors become bfloat16 where {@code keepBfloat16} accepts the key; everything else float32.
     */
    public void load(Module model, String firstFile, Map<String, NdArray> first, java.util.function.Predicate<String> keepBfloat16,
            Consumer<String> progress) {
        Map<String, Parameter> params = model.namedParameters();
        Set<String> unset = new LinkedHashSet<>(params.keySet());
        for (String file : files("")) {
            Map<String, NdArray> sd = file.equals(firstFile) && first != null ? first : read(file);
            assign(params, unset, sd, dir.resolve(file), keepBfloat16);
            if (progress != null) {
                progress.accept(file);
            }
        }
        if (!unset.isEmpty()) {
            throw new CheckpointException(dir + ": " + unset.iterator().next() + ": in no shard (" + unset.size() + " parameters missing)");
        }
    }

    static void assign(Map<String, Parameter> params, Set<String> unset, Map<String, NdArray> sd, Path file,
            java.util.function.Predicate<String> keepBfloat16) {
        for (Map.Entry<String, NdArray> e : sd.entrySet()) {
            if (e.getKey().endsWith(".rotary_emb.inv_freq")) {
                continue; // saved by transformers before 4.32: constants of rope_theta, ignored as transformers 4.37 does
            }
            Parameter p = params.get(e.getKey());
            if (p == null) {
                throw new CheckpointException(file + ": " + e.getKey() + ": the model has no such parameter");
            }
            if (!Arrays.equals(p.shape(), e.getValue().shape())) {
                throw new CheckpointException(file + ": " + e.getKey() + ": shape " + Arrays.toString(e.getValue().shape())
                        + ", the model expects " + Arrays.toString(p.shape()));
            }
            Tensor t = Tensors.fromNdArray(e.getValue());
            DType stored = e.getValue().dtype();
            // half-precision weights (LLaVA-1.5 ships float16) become bfloat16 where kept narrow: this CPU path
            // has bfloat16 kernels, while float16 would be emulated
            boolean narrow = (stored == DType.BFLOAT16 || stored == DType.FLOAT16) && keepBfloat16.test(e.getKey());
            ScalarType target = narrow ? ScalarType.BFloat16 : ScalarType.Float;
            if (t.scalar_type().value != target.value) {
                Tensor f = t.to(target);
                t.close();
                t = f;
            }
            p.set(t);
            unset.remove(e.getKey());
        }
    }
}
