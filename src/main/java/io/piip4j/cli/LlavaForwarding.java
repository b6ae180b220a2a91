package io.piip4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.piip4j.llava.LlavaCase;
import io.piip4j.llava.LlavaForward;
import io.piip4j.llava.LlavaModel;
import io.piip4j.tensor.NdArray;
import io.piip4j.weights.Checkpoints;
import io.piip4j.weights.PthReader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * {@code piip forward} on a PIIP-LLaVA case: the image from {@code --input}, the prompt ids and the
 * number of new tokens from case.json; writes {@code generated_ids.npy} and {@code prefill_logits.npy}.
 */
final class LlavaForwarding {
    private LlavaForwarding() {
    }

    static boolean describes(JsonNode json) {
        return LlavaCase.describes(json);
    }

    static int run(ConfigSource source, Path weights, PthReader.Options options, NdArray image, Path outputDir) throws Exception {
        String caseName = source.file().toString();
        Map<String, NdArray> stateDict = Checkpoints.readStateDict(weights, options);
        try (LlavaModel model = new LlavaModel(LlavaCase.config(source.json(), caseName, stateDict, weights.toString()))) {
            LlavaCase.load(model, stateDict, weights.toString());
            LlavaForward.Result r = LlavaForward.run(model, image, LlavaCase.tokenIds(source.json(), caseName),
                    LlavaCase.newTokens(source.json(), caseName));
            for (Path f : LlavaForward.write(r, outputDir)) {
                System.out.println(f);
            }
            System.out.println("generated ids " + Arrays.toString(r.generatedIds()));
        }
        return 0;
    }
}
