package io.piip4j.config;

import static io.piip4j.testing.FuzzChecks.MAX_INPUT_BYTES;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.piip4j.testing.FuzzChecks;
import java.nio.file.Path;

/**
 * Coverage-guided fuzzing of the config reader, from file bytes (JSON syntax, encodings) to the
 * checks on the parsed values; seeds (golden case.json files, released configs) in
 * {@code ConfigReaderFuzzTestInputs/config/}.
 */
class ConfigReaderFuzzTest {

    @FuzzTest(maxDuration = "10s")
    @DictionaryEntries({"\"type\"", "\"PIIPThreeBranch\"", "\"PIIPTwoBranch\"", "\"PIIPFourBranch\"", "\"branch1\"",
        "\"branch2\"", "\"branch3\"", "\"branch4\"", "\"config\"", "\"model\"", "\"backbone\"", "\"task\"",
        "\"interaction_indexes\"", "\"embed_dim\"", "\"num_heads\"", "\"depth\"", "\"img_size\"", "\"real_size\"",
        "\"patch_size\"", "\"window_attn\"", "\"window_size\"", "\"model_type\"", "\"pretrained\"",
        "\"deform_num_heads\"", "\"interact_attn_type\"", "\"separate_head\"", "\"out_indices\"",
        "\"with_simple_fpn\"", "\"mlp_ratio\"", "\"init_values\"", "\"norm_layer_type\"", "null", "true", "false",
        "-1", "0", "1e309", "[[0, 1], [2, 3]]", "\"deit\"", "\"augreg\"", "\"deform\"", "\"normal\""})
    void config(byte[] data) {
        if (data.length > MAX_INPUT_BYTES) {
            return;
        }
        Path f = FuzzChecks.write(FuzzChecks.scratchFile("config-input.json"), data);
        FuzzChecks.check(() -> ConfigReader.read(f), ConfigException.class, "");
    }
}
