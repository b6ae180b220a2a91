package io.piip4j.train;

import io.piip4j.data.IdxFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small recipes over synthetic IDX data (written by the test), fast enough for unit tests. */
final class TinyRecipes {
    private TinyRecipes() {
    }

    static String data(Path dir) {
        return "\"data\": {\"format\": \"idx\", \"train_images\": \"train-images-idx3-ubyte.gz\","
                + " \"train_labels\": \"train-labels-idx1-ubyte.gz\", \"test_images\": \"test-images-idx3-ubyte.gz\","
                + " \"test_labels\": \"test-labels-idx1-ubyte.gz\", \"classes\": [\"a\", \"b\", \"c\", \"d\"]}";
    }

    static String branch(int img, int dim, int heads, int depth, String idx, double dropPath) {
        return "{\"img_size\": " + img + ", \"patch_size\": 16, \"depth\": " + depth + ", \"embed_dim\": " + dim
                + ", \"num_heads\": " + heads + ", \"mlp_ratio\": 2, \"qkv_bias\": true, \"drop_path_rate\": " + dropPath
                + ", \"init_scale\": 1.0, \"num_classes\": 4" + (idx == null ? "" : ", \"interaction_indexes\": " + idx) + "}";
    }

    /** A two-branch PIIP (deformable interactions with ConvFFN, drop path everywhere), 32 px input. */
    static String piip(int epochs, int batch) {
        String idx = "[[0, 0], [1, 1]]";
        return "{\"name\": \"tiny-piip\", \"model\": {\"type\": \"piip\", \"config\": {\"n_points\": 2, \"deform_num_heads\": 2,"
                + " \"with_cffn\": true, \"cffn_ratio\": 0.25, \"deform_ratio\": 0.5, \"interact_attn_type\": \"deform\","
                + " \"interaction_drop_path_rate\": 0.1, \"separate_head\": true, \"num_classes\": 4,"
                + " \"branch1\": " + branch(16, 64, 2, 2, idx, 0.1) + ", \"branch2\": " + branch(32, 32, 2, 2, idx, 0.1) + "}},"
                + common(epochs, batch) + "}";
    }

    static String vit(int epochs, int batch, int img) {
        return "{\"name\": \"tiny-vit\", \"model\": {\"type\": \"vit\", \"config\": " + branch(img, 32, 2, 2, null, 0.1) + "},"
                + common(epochs, batch) + "}";
    }

    private static String common(int epochs, int batch) {
        return "\"input\": {\"mean\": [0.2], \"std\": [0.3]}, \"augment\": {\"crop_padding\": 1, \"hflip\": true},"
                + " \"optim\": {\"lr\": 0.002, \"min_lr\": 1e-5, \"warmup_epochs\": 0.5, \"weight_decay\": 0.05,"
                + " \"layer_decay\": 0.9, \"label_smoothing\": 0.1, \"clip_grad\": 1.0},"
                + " \"epochs\": " + epochs + ", \"batch_size\": " + batch + ", \"eval_batch_size\": 32, \"seed\": 3, "
                + "DATA";
    }

    /** Writes the synthetic data set and the recipe into {@code dir}; returns the recipe file. */
    static Path write(Path dir, String recipe, int nTrain, int nTest) throws IOException {
        Files.createDirectories(dir);
        IdxFiles.synthetic(dir, nTrain, nTest, 4, 11);
        Path f = dir.resolve("recipe.json");
        Files.writeString(f, recipe.replace("DATA", data(dir)));
        return f;
    }
}
