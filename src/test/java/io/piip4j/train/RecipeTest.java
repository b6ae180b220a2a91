package io.piip4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.piip4j.config.ConfigException;
import org.junit.jupiter.api.Test;

/** Recipes are read by the project's one config reader: every error names its key path. */
class RecipeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String piip() {
        return TinyRecipes.piip(1, 8).replace("DATA", TinyRecipes.data(null));
    }

    private static String vit() {
        return TinyRecipes.vit(1, 4, 16).replace("DATA", TinyRecipes.data(null));
    }

    private static String error(String text) {
        return assertThrows(ConfigException.class, () -> Recipe.parse(JSON.readTree(text), null)).getMessage();
    }

    @Test
    void readsTheTinyRecipes() throws Exception {
        Recipe piip = Recipe.parse(JSON.readTree(TinyRecipes.piip(2, 8).replace("DATA", TinyRecipes.data(null))), null);
        assertEquals(0.002, piip.lr());
        assertEquals(0.9, piip.layerDecay());
        assertEquals(1, piip.augment().pad());
        Recipe vit = Recipe.parse(JSON.readTree(TinyRecipes.vit(1, 4, 16).replace("DATA", TinyRecipes.data(null))), null);
        try (TrainableClassifier m = vit.buildModel()) {
            assertEquals(16, m.inputSize());
            assertEquals(4, m.numClasses());
            assertEquals(2, m.numLayers());
        }
    }

    @Test
    void errorsNameTheKeyPath() {
        assertEquals("optim.lr: must not be negative, got -1.0", error(piip().replace("\"lr\": 0.002", "\"lr\": -1")));
        assertEquals("augment.crop_padding: expected a non-negative integer, got -2",
                error(piip().replace("\"crop_padding\": 1", "\"crop_padding\": -2")));
        assertEquals("optim.betas: expected two numbers",
                error(piip().replace("\"lr\": 0.002", "\"lr\": 0.002, \"betas\": [0.9]")));
        assertEquals("input.gamma: unknown key (expected one of [mean, std])",
                error(piip().replace("\"std\": [0.3]", "\"std\": [0.3], \"gamma\": 1")));
        assertEquals("data.classes: expected a non-empty list of strings, got []",
                error(piip().replace("[\"a\", \"b\", \"c\", \"d\"]", "[]")));
        // the ViT baseline's branch is read by the model config reader, under the recipe's path
        assertEquals("model.config.depth: expected a positive integer, got 0",
                error(vit().replace("\"depth\": 2", "\"depth\": 0")));
        assertEquals("model.type: expected \"piip\" or \"vit\", got \"cnn\"",
                error(vit().replace("\"type\": \"vit\"", "\"type\": \"cnn\"")));
    }
}
