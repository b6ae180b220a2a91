package io.piip4j.init;

import io.piip4j.tensor.Tensors;
import io.piip4j.weights.CheckpointException;
import io.piip4j.tensor.NdArray;
import io.piip4j.weights.Npy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorArrayRef;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * AugReg's JAX checkpoints ({@code .npz}) as the timm-layout state dict the reference's
 * {@code convert_augreg_models.sh} produces (its {@code vitjax2mmseg} then {@code mmseg2vit}):
 * the patch kernel HWIO → OIHW, query/key/value kernels stacked into {@code qkv}, the attention
 * output kernel flattened, dense kernels transposed. The block count is read from the file (the
 * reference's script infers it from the file name: 24 for {@code L_16-i21k}, else 12).
 */
public final class AugRegNpz {
    private AugRegNpz() {
    }

    public static Map<String, NdArray> read(Path npz) {
        Map<String, NdArray> jax = readNpz(npz);
        int blocks = 0;
        while (jax.containsKey("Transformer/encoderblock_" + blocks + "/LayerNorm_0/scale")) {
            blocks++;
        }
        Map<String, NdArray> out = new LinkedHashMap<>();
        try (PointerScope scope = new PointerScope()) {
            out.put("patch_embed.proj.weight", nd(t(jax, "embedding/kernel", npz).permute(3, 2, 0, 1)));
            out.put("patch_embed.proj.bias", req(jax, "embedding/bias", npz));
            out.put("pos_embed", req(jax, "Transformer/posembed_input/pos_embedding", npz));
            out.put("cls_token", req(jax, "cls", npz));
            out.put("norm.weight", req(jax, "Transformer/encoder_norm/scale", npz));
            out.put("norm.bias", req(jax, "Transformer/encoder_norm/bias", npz));
            if (jax.containsKey("head/kernel")) {
                out.put("head.weight", nd(t(jax, "head/kernel", npz).permute(1, 0)));
                out.put("head.bias", req(jax, "head/bias", npz));
            }
            for (int i = 0; i < blocks; i++) {
                String j = "Transformer/encoderblock_" + i + "/";
                String b = "blocks." + i + ".";
                String a = j + "MultiHeadDotProductAttention_1/";
                out.put(b + "norm1.weight", req(jax, j + "LayerNorm_0/scale", npz));
                out.put(b + "norm1.bias", req(jax, j + "LayerNorm_0/bias", npz));
                // (D, heads, hd) ×3 → stack on axis 1 → (D, 3·D) → transposed (3·D, D)
                Tensor qkv = torch.stack(new TensorArrayRef(new TensorVector(t(jax, a + "query/kernel", npz),
                        t(jax, a + "key/kernel", npz), t(jax, a + "value/kernel", npz))), 1).flatten(1, -1);
                out.put(b + "attn.qkv.weight", nd(qkv.permute(1, 0)));
                Tensor qkvBias = torch.stack(new TensorArrayRef(new TensorVector(t(jax, a + "query/bias", npz),
                        t(jax, a + "key/bias", npz), t(jax, a + "value/bias", npz))), 0).flatten(0, -1);
                out.put(b + "attn.qkv.bias", nd(qkvBias));
                out.put(b + "attn.proj.weight", nd(t(jax, a + "out/kernel", npz).flatten(0, 1).permute(1, 0)));
                out.put(b + "attn.proj.bias", req(jax, a + "out/bias", npz));
                out.put(b + "norm2.weight", req(jax, j + "LayerNorm_2/scale", npz));
                out.put(b + "norm2.bias", req(jax, j + "LayerNorm_2/bias", npz));
                out.put(b + "mlp.fc1.weight", nd(t(jax, j + "MlpBlock_3/Dense_0/kernel", npz).permute(1, 0)));
                out.put(b + "mlp.fc1.bias", req(jax, j + "MlpBlock_3/Dense_0/bias", npz));
                out.put(b + "mlp.fc2.weight", nd(t(jax, j + "MlpBlock_3/Dense_1/kernel", npz).permute(1, 0)));
                out.put(b + "mlp.fc2.bias", req(jax, j + "MlpBlock_3/Dense_1/bias", npz));
            }
        }
        return out;
    }

    private static NdArray req(Map<String, NdArray> jax, String key, Path npz) {
        NdArray a = jax.get(key);
        if (a == null) {
            throw new CheckpointException(npz + ": no array '" + key + "' (not an AugReg ViT checkpoint?)");
        }
        return a;
    }

    private static Tensor t(Map<String, NdArray> jax, String key, Path npz) {
        return Tensors.fromNdArray(req(jax, key, npz));
    }

    private static NdArray nd(Tensor t) {
        return Tensors.toNdArray(t.contiguous());
    }

    /** The arrays of an {@code .npz} (a zip of {@code .npy} files), each read by the bounded .npy reader. */
    static Map<String, NdArray> readNpz(Path npz) {
        Map<String, NdArray> out = new LinkedHashMap<>();
        Path tmp = null;
        try (ZipFile zip = new ZipFile(npz.toFile())) {
            tmp = Files.createTempFile("piip-npz", ".npy");
            for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements();) {
                ZipEntry e = en.nextElement();
                if (e.isDirectory() || !e.getName().endsWith(".npy")) {
                    continue;
                }
                try (InputStream in = zip.getInputStream(e)) {
                    Files.copy(in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                String key = e.getName().substring(0, e.getName().length() - 4);
                try {
                    out.put(key, Npy.read(tmp));
                } catch (CheckpointException ex) {
                    throw new CheckpointException(npz + ": entry " + e.getName() + ": "
                            + ex.getMessage().substring(ex.getMessage().indexOf(": ") + 2));
                }
            }
        } catch (IOException e) {
            throw new CheckpointException(npz + ": not a readable .npz (" + e.getMessage() + ")");
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // temporary file only
                }
            }
        }
        if (out.isEmpty()) {
            throw new CheckpointException(npz + ": holds no .npy arrays");
        }
        return out;
    }
}
