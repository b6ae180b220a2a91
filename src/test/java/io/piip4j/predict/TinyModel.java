package io.piip4j.predict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.config.ConfigReader;
import io.piip4j.model.TaskModel;
import io.piip4j.nn.Parameter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** A tiny PIIP classifier for tests that run it many times (memory, threads): no golden files needed. */
final class TinyModel {
    private TinyModel() {
    }

    /** Two small DeiT branches (32 and 48 pixels), two interactions, 10 classes. */
    static final String CONFIG = """
            {"type": "PIIPTwoBranch", "interact_attn_type": "deform", "deform_num_heads": 4, "n_points": 4,
             "with_cffn": true, "deform_ratio": 0.5, "num_classes": 10, "interaction_drop_path_rate": 0.0,
             "branch1": {"model_type": "deit", "img_size": 32, "patch_size": 16, "depth": 2, "embed_dim": 64,
                         "num_heads": 2, "qkv_bias": true, "interaction_indexes": [[0, 0], [1, 1]], "init_scale": 1.0},
             "branch2": {"model_type": "deit", "img_size": 48, "patch_size": 16, "depth": 2, "embed_dim": 32,
                         "num_heads": 1, "qkv_bias": true, "interaction_indexes": [[0, 0], [1, 1]], "init_scale": 1.0}}
            """;

    /** The model, with seeded random weights. */
    static PiipModel create() {
        TaskModel net = TaskModel.build(ConfigReader.parse(json(CONFIG)));
        // seeded random weights: N(0, 0.02), norm scales near 1
        torch.manual_seed(7);
        for (Map.Entry<String, Parameter> e : net.namedParameters().entrySet()) {
            long[] shape = e.getValue().shape();
            Tensor t = torch.randn(shape).mul(new Scalar(0.02));
            if (e.getKey().matches(".*norm\\d?\\.weight") || shape.length == 0) {
                t = t.add(new Scalar(1.0));
            }
            e.getValue().set(t);
        }
        return PiipModel.of(net);
    }

    private static JsonNode json(String s) {
        try {
            return new ObjectMapper().readTree(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
