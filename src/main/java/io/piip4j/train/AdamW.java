package io.piip4j.train;

import io.piip4j.nn.Parameter;
import io.piip4j.tensor.Tensors;
import io.piip4j.tensor.NdArray;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * AdamW with decoupled weight decay, performing exactly the tensor operations of libtorch's own
 * {@code torch::optim::AdamW::step} (decay {@code p *= 1 − lr·wd}; {@code m = β₁m + (1−β₁)g};
 * {@code v = β₂v + (1−β₂)g²}; {@code p −= lr/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε)}), so results are
 * bit-identical to it (a test checks this). It is written out rather than wrapped because the
 * JavaCPP presets expose libtorch's optimizer without its per-parameter state, and checkpoints
 * must carry {@code exp_avg}, {@code exp_avg_sq} and {@code step} in PyTorch's
 * {@code optimizer.state_dict()} layout so that {@code torch.optim.AdamW.load_state_dict} accepts
 * them. State tensors are allocated here, outside any per-step scope.
 */
public final class AdamW implements AutoCloseable {
    private final List<ParamGroups.Group> groups;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double[] lr;
    private final List<Parameter> params = new ArrayList<>();
    private final int[] groupOf;
    private final Tensor[] expAvg;
    private final Tensor[] expAvgSq;
    private final long[] steps;

    public AdamW(List<ParamGroups.Group> groups, double beta1, double beta2, double eps) {
        this.groups = List.copyOf(groups);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.lr = new double[groups.size()];
        List<Integer> owner = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            for (Parameter p : groups.get(g).params()) {
                params.add(p);
                owner.add(g);
            }
        }
        this.groupOf = owner.stream().mapToInt(Integer::intValue).toArray();
        this.expAvg = new Tensor[params.size()];
        this.expAvgSq = new Tensor[params.size()];
        this.steps = new long[params.size()];
        for (int i = 0; i < params.size(); i++) {
            expAvg[i] = torch.zeros_like(params.get(i).get());
            expAvgSq[i] = torch.zeros_like(params.get(i).get());
        }
    }

    public List<ParamGroups.Group> groups() {
        return groups;
    }

    /** Sets every group's rate to {@code base × its layer-decay scale}. */
    public void setLearningRate(double base) {
        for (int g = 0; g < groups.size(); g++) {
            lr[g] = base * groups.get(g).lrScale();
        }
    }

    public double learningRate(int group) {
        return lr[group];
    }

    /** One update of every parameter that has a gradient. */
    public void step() {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            for (int i = 0; i < params.size(); i++) {
                Tensor p = params.get(i).get();
                Tensor grad = p.grad();
                if (!grad.defined()) {
                    continue;
                }
                ParamGroups.Group group = groups.get(groupOf[i]);
                double rate = lr[groupOf[i]];
                if (group.weightDecay() != 0) {
                    p.mul_(new Scalar(1 - rate * group.weightDecay()));
                }
                steps[i]++;
                double bc1 = 1 - Math.pow(beta1, steps[i]);
                double bc2 = 1 - Math.pow(beta2, steps[i]);
                expAvg[i].mul_(new Scalar(beta1)).add_(grad, new Scalar(1 - beta1));
                expAvgSq[i].mul_(new Scalar(beta2)).addcmul_(grad, grad, new Scalar(1 - beta2));
                Tensor denom = expAvgSq[i].sqrt().div(new Scalar(Math.sqrt(bc2))).add_(new Scalar(eps));
                p.addcdiv_(expAvg[i], denom, new Scalar(-rate / bc1));
            }
        }
    }

    /** Zeroes the accumulated gradients (kept allocated for the next backward). */
    public void zeroGrad() {
        try (PointerScope scope = new PointerScope()) {
            for (Parameter p : params) {
                Tensor g = p.get().grad();
                if (g.defined()) {
                    g.zero_();
                }
            }
        }
    }

    /**
     * The state as {@code torch.optim.AdamW.state_dict()}: {@code state} keyed by parameter
     * index (float32 scalar {@code step}, {@code exp_avg}, {@code exp_avg_sq}) and
     * {@code param_groups} with PyTorch's option keys, plus this trainer's {@code lr_scale},
     * {@code group_name} and {@code param_names} (PyTorch keeps unknown group keys).
     */
    public Map<String, Object> stateDict() {
        Map<Object, Object> state = new LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            if (steps[i] == 0) {
                continue;
            }
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("step", NdArray.ofFloats(new float[] {steps[i]}));
            s.put("exp_avg", Tensors.toNdArray(expAvg[i]));
            s.put("exp_avg_sq", Tensors.toNdArray(expAvgSq[i]));
            state.put((long) i, s);
        }
        List<Object> pg = new ArrayList<>();
        int index = 0;
        for (int g = 0; g < groups.size(); g++) {
            ParamGroups.Group group = groups.get(g);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("lr", lr[g]);
            m.put("betas", List.of(beta1, beta2));
            m.put("eps", eps);
            m.put("weight_decay", group.weightDecay());
            m.put("amsgrad", false);
            m.put("maximize", false);
            m.put("foreach", null);
            m.put("capturable", false);
            m.put("differentiable", false);
            m.put("fused", null);
            m.put("lr_scale", group.lrScale());
            m.put("group_name", group.name());
            m.put("param_names", new ArrayList<>(group.names()));
            List<Object> ids = new ArrayList<>();
            for (int k = 0; k < group.params().size(); k++) {
                ids.add((long) index++);
            }
            m.put("params", ids);
            pg.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("state", state);
        out.put("param_groups", pg);
        return out;
    }

    /** Restores {@link #stateDict()} output; the groups must be the same (names and sizes). */
    public void loadStateDict(Map<?, ?> sd, String source) {
        Object groupsObj = sd.get("param_groups");
        Object stateObj = sd.get("state");
        if (!(groupsObj instanceof List<?> pg) || !(stateObj instanceof Map<?, ?> state)) {
            throw new IllegalArgumentException(source + ": optimizer state lacks 'state' / 'param_groups'");
        }
        if (pg.size() != groups.size()) {
            throw new IllegalArgumentException(source + ": optimizer has " + pg.size() + " parameter groups, this model " + groups.size());
        }
        for (int g = 0; g < groups.size(); g++) {
            Map<?, ?> m = (Map<?, ?>) pg.get(g);
            Object names = m.get("param_names");
            if (names != null && !names.equals(groups.get(g).names())) {
                throw new IllegalArgumentException(source + ": optimizer group " + g + " (" + m.get("group_name")
                        + ") holds other parameters than this model's " + groups.get(g).name());
            }
            lr[g] = ((Number) m.get("lr")).doubleValue();
        }
        for (int i = 0; i < params.size(); i++) {
            Map<?, ?> s = (Map<?, ?>) lookup(state, i);
            if (s == null) {
                steps[i] = 0;
                expAvg[i].zero_();
                expAvgSq[i].zero_();
                continue;
            }
            steps[i] = (long) ((NdArray) s.get("step")).toFloats()[0];
            copyInto(expAvg[i], (NdArray) s.get("exp_avg"), source, "exp_avg", i);
            copyInto(expAvgSq[i], (NdArray) s.get("exp_avg_sq"), source, "exp_avg_sq", i);
        }
    }

    private static Object lookup(Map<?, ?> state, int i) {
        for (Map.Entry<?, ?> e : state.entrySet()) {
            if (e.getKey() instanceof Number n && n.longValue() == i) {
                return e.getValue();
            }
        }
        return null;
    }

    private static void copyInto(Tensor dst, NdArray src, String source, String what, int i) {
        if (src == null || !java.util.Arrays.equals(src.shape(), Tensors.shape(dst))) {
            throw new IllegalArgumentException(source + ": optimizer " + what + " of parameter " + i + " has the wrong shape");
        }
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            dst.copy_(Tensors.fromNdArray(src));
        }
    }

    /** Per-parameter state, for tests: step count, first and second moments. */
    public long stepCount(int i) {
        return steps[i];
    }

    public Tensor expAvg(int i) {
        return expAvg[i];
    }

    public Tensor expAvgSq(int i) {
        return expAvgSq[i];
    }

    public int size() {
        return params.size();
    }

    @Override
    public void close() {
        for (int i = 0; i < params.size(); i++) {
            expAvg[i].close();
            expAvgSq[i].close();
        }
    }
}
