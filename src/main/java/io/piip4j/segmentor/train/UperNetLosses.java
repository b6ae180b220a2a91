package io.piip4j.segmentor.train;

import com.fasterxml.jackson.databind.JsonNode;
import io.piip4j.config.JsonPath;
import io.piip4j.segmentor.UperNet;
import io.piip4j.tensor.F;
import io.piip4j.tensor.Tensors;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * mmsegmentation 0.27's {@code EncoderDecoder.forward_train} losses: each head's logits bilinearly
 * resized to the labels' size, pixel cross-entropy with {@code ignore_index} (255), averaged over
 * all pixels as mmseg's {@code CrossEntropyLoss} does by default ({@code avg_non_ignore=False}:
 * ignored pixels count in the denominator with loss 0), each pixel weighted by its label's
 * {@code class_weight} where the config gives one, times the head's {@code loss_weight}
 * (the released auxiliary FCN head: 0.4). Named as mmseg logs them: {@code decode.loss_ce},
 * {@code aux.loss_ce}.
 */
public final class UperNetLosses {
    /** One head's {@code loss_decode}; {@code classWeight} (per class, or null) scales each pixel's loss by its label's weight. */
    public record HeadLoss(double weight, boolean avgNonIgnore, double[] classWeight) {
        static HeadLoss read(JsonPath head, int numClasses) {
            if (!head.has("loss_decode")) {
                return new HeadLoss(1.0, false, null);
            }
            JsonPath l = head.object("loss_decode");
            l.oneOf("type", "CrossEntropyLoss", Set.of("CrossEntropyLoss"));
            if (l.bool("use_sigmoid", false)) {
                throw l.error("use_sigmoid", "only the softmax cross-entropy (false) is supported");
            }
            double[] classWeight = l.numbers("class_weight", null);
            if (classWeight != null) {
                if (classWeight.length != numClasses) {
                    throw l.error("class_weight", classWeight.length + " weights for " + numClasses + " classes");
                }
                for (double w : classWeight) {
                    if (!(w >= 0) || Double.isInfinite(w)) {
                        throw l.error("class_weight", "expected non-negative weights, got " + java.util.Arrays.toString(classWeight));
                    }
                }
            }
            return new HeadLoss(l.nonNegative("loss_weight", 1.0), l.bool("avg_non_ignore", false), classWeight);
        }
    }

    private final UperNet model;
    private final HeadLoss decode;
    private final HeadLoss aux;
    private final int ignoreIndex;

    public UperNetLosses(UperNet model, HeadLoss decode, HeadLoss aux, int ignoreIndex) {
        this.model = model;
        this.decode = decode;
        this.aux = aux;
        this.ignoreIndex = ignoreIndex;
    }

    /** The losses a config's model section ({@code decode_head.loss_decode}, {@code auxiliary_head.loss_decode}, {@code ignore_index}) defines. */
    public static UperNetLosses of(UperNet model, JsonNode modelSection) {
        JsonPath m = JsonPath.object(modelSection, "model");
        JsonPath d = m.object("decode_head");
        HeadLoss aux = m.has("auxiliary_head") ? HeadLoss.read(m.object("auxiliary_head"), model.numClasses()) : null;
        return new UperNetLosses(model, HeadLoss.read(d, model.numClasses()), aux, d.integer("ignore_index", 255));
    }

    /**
     * @param images (B, 3, S, S) normalised crops
     * @param labels (B, S, S) int64 class indices, {@code ignore_index} where unlabelled
     */
    public Map<String, Tensor> losses(Tensor images, Tensor labels) {
        UperNet.HeadLogits logits = model.headLogits(images);
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("decode.loss_ce", crossEntropy(logits.decode(), labels, decode, ignoreIndex));
        if (logits.aux() != null && aux != null) {
            out.put("aux.loss_ce", crossEntropy(logits.aux(), labels, aux, ignoreIndex));
        }
        return out;
    }

    /** One head's loss: its logits resized to the labels' (B, H, W), cross-entropy summed and divided as {@code loss} says. */
    static Tensor crossEntropy(Tensor logits, Tensor labels, HeadLoss loss, int ignoreIndex) {
        Tensor up = F.interpolateBilinear(logits, labels.size(1), labels.size(2));
        // mmseg: the per-pixel loss times its label's class weight, then the mean (not divided by the weights)
        TensorOptional weights = loss.classWeight() == null ? new TensorOptional()
                : new TensorOptional(Tensors.fromFloats(toFloats(loss.classWeight()), loss.classWeight().length));
        Tensor sum = torch.cross_entropy_loss(up, labels, weights, 2 /* sum */, ignoreIndex, 0.0);
        double denominator = loss.avgNonIgnore()
                ? Math.max(1, labels.ne(new Scalar(ignoreIndex)).sum().item_long())
                : labels.numel();
        return sum.mul(new Scalar(loss.weight() / denominator));
    }

    private static float[] toFloats(double[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) v[i];
        }
        return out;
    }
}
