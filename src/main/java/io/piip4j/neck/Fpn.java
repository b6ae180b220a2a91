package io.piip4j.neck;

import io.piip4j.nn.Module;
import io.piip4j.tensor.F;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * mmdetection 2.25's {@code FPN}: 1×1 lateral convolutions, a top-down pass adding each coarser
 * lateral upsampled (nearest, to the finer map's size), 3×3 output convolutions, and extra levels up
 * to {@code numOuts}: stride-2 max pooling (kernel 1) of the last output without
 * {@code add_extra_convs}, otherwise stride-2 3×3 convolutions on the input, lateral or output.
 */
public final class Fpn extends Module {
    /** Where extra convolutions take their input ({@code add_extra_convs}); NONE pools instead. */
    public enum ExtraSource {
        NONE, ON_INPUT, ON_LATERAL, ON_OUTPUT;

        /** The config value: false / absent, true (= on_input), or one of the three names. */
        public static ExtraSource parse(Object value) {
            if (value == null || Boolean.FALSE.equals(value)) {
                return NONE;
            }
            if (Boolean.TRUE.equals(value)) {
                return ON_INPUT;
            }
            return switch (value.toString()) {
                case "on_input" -> ON_INPUT;
                case "on_lateral" -> ON_LATERAL;
                case "on_output" -> ON_OUTPUT;
                default -> throw new IllegalArgumentException("add_extra_convs: expected false, true, on_input, on_lateral or on_output, got " + value);
            };
        }
    }

    private final ModuleList<ConvModule> lateralConvs;
    private final ModuleList<ConvModule> fpnConvs;
    private final int startLevel;
    private final int endLevel;
    private final int numOuts;
    private final ExtraSource extra;
    private final boolean reluBeforeExtraConvs;

    /**
     * @param endLevel the last backbone level used, inclusive, as mmdetection 2.25's {@code end_level};
     *                 -1 for all. Short of the last level, {@code numOuts} must equal the levels used.
     */
    public Fpn(int[] inChannels, int outChannels, int numOuts, int startLevel, int endLevel, ExtraSource extra,
            boolean reluBeforeExtraConvs) {
        int inputs = inChannels.length;
        boolean toLast = endLevel == -1 || endLevel == inputs - 1;
        int backboneEnd = toLast ? inputs : endLevel + 1;
        if (startLevel < 0 || backboneEnd > inputs || backboneEnd <= startLevel) {
            throw new IllegalArgumentException("FPN: start_level " + startLevel + ", end_level " + endLevel + " for "
                    + inputs + " inputs");
        }
        if (toLast ? numOuts < backboneEnd - startLevel : numOuts != backboneEnd - startLevel) {
            throw new IllegalArgumentException("FPN: num_outs " + numOuts + " for the " + (backboneEnd - startLevel)
                    + " levels used" + (toLast ? "" : " (end_level short of the last input allows no extra level)"));
        }
        this.startLevel = startLevel;
        this.endLevel = backboneEnd;
        this.numOuts = numOuts;
        this.extra = extra;
        this.reluBeforeExtraConvs = reluBeforeExtraConvs;
        this.lateralConvs = child("lateral_convs", new ModuleList<>());
        this.fpnConvs = child("fpn_convs", new ModuleList<>());
        for (int i = startLevel; i < backboneEnd; i++) {
            lateralConvs.add(new ConvModule(inChannels[i], outChannels, 1, 1, 0, false));
            fpnConvs.add(new ConvModule(outChannels, outChannels, 3, 1, 1, false));
        }
        int extraLevels = numOuts - (backboneEnd - startLevel);
        if (extra != ExtraSource.NONE) {
            for (int i = 0; i < extraLevels; i++) {
                int in = i == 0 && extra == ExtraSource.ON_INPUT ? inChannels[backboneEnd - 1] : outChannels;
                fpnConvs.add(new ConvModule(in, outChannels, 3, 2, 1, false));
            }
        }
    }

    public int numOuts() {
        return numOuts;
    }

    public List<Tensor> forward(List<Tensor> inputs) {
        int used = endLevel - startLevel;
        List<Tensor> laterals = new ArrayList<>();
        for (int i = 0; i < used; i++) {
            laterals.add(lateralConvs.get(i).forward(inputs.get(i + startLevel)));
        }
        for (int i = used - 1; i > 0; i--) {
            Tensor finer = laterals.get(i - 1);
            Tensor up = torch.upsample_nearest2d(laterals.get(i), new long[] {finer.size(2), finer.size(3)});
            laterals.set(i - 1, finer.add(up));
        }
        List<Tensor> outs = new ArrayList<>();
        for (int i = 0; i < used; i++) {
            outs.add(fpnConvs.get(i).forward(laterals.get(i)));
        }
        if (numOuts > used) {
            if (extra == ExtraSource.NONE) {
                for (int i = used; i < numOuts; i++) {
                    outs.add(F.maxPool2d(outs.get(outs.size() - 1), 1, 2));
                }
            } else {
                Tensor source = switch (extra) {
                    case ON_INPUT -> inputs.get(endLevel - 1);
                    case ON_LATERAL -> laterals.get(used - 1);
                    default -> outs.get(used - 1);
                };
                outs.add(fpnConvs.get(used).forward(source));
                for (int i = used + 1; i < numOuts; i++) {
                    Tensor prev = outs.get(outs.size() - 1);
                    outs.add(fpnConvs.get(i).forward(reluBeforeExtraConvs ? F.relu(prev) : prev));
                }
            }
        }
        return outs;
    }
}
