package io.piip4j.init;

import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The initialisers the reference calls, drawing from the engine's default generator (seed it
 * with {@code torch.manual_seed} for a reproducible initialisation). Each returns a new float32
 * tensor of the given shape.
 */
public final class Random {
    private Random() {
    }

    /**
     * timm's {@code trunc_normal_(t, mean, std, a, b)}: inverse-CDF sampling of the normal
     * truncated to the absolute bounds [a, b] (with std 0.02 and the default ±2 this is
     * untruncated in practice).
     */
    public static Tensor truncNormal(long[] shape, double mean, double std, double a, double b) {
        double l = normCdf((a - mean) / std);
        double u = normCdf((b - mean) / std);
        Tensor t = torch.empty(shape);
        t.uniform_(2 * l - 1, 2 * u - 1, new GeneratorOptional());
        t.erfinv_();
        t.mul_(new Scalar(std * Math.sqrt(2.0)));
        t.add_(new Scalar(mean));
        t.clamp_(new ScalarOptional(new Scalar(a)), new ScalarOptional(new Scalar(b)));
        return t;
    }

    public static Tensor truncNormal(long[] shape, double std) {
        return truncNormal(shape, 0, std, -2, 2);
    }

    public static Tensor uniform(long[] shape, double low, double high) {
        Tensor t = torch.empty(shape);
        t.uniform_(low, high, new GeneratorOptional());
        return t;
    }

    public static Tensor normal(long[] shape, double mean, double std) {
        Tensor t = torch.empty(shape);
        t.normal_(mean, std, new GeneratorOptional());
        return t;
    }

    public static Tensor constant(long[] shape, double value) {
        return torch.full(shape, new Scalar(value));
    }

    /** {@code nn.init.xavier_uniform_} on a 2-D (out, in) weight. */
    public static Tensor xavierUniform(long[] shape) {
        double a = Math.sqrt(6.0 / (shape[0] + shape[1]));
        return uniform(shape, -a, a);
    }

    /**
     * PyTorch's default initialisation of {@code nn.Linear} / {@code nn.Conv2d} weights,
     * {@code kaiming_uniform_(a=√5)}, which is U(±1/√fan_in); their biases use the same bound.
     */
    public static Tensor torchDefault(long[] shape, long fanIn) {
        double bound = fanIn > 0 ? 1.0 / Math.sqrt(fanIn) : 0;
        return uniform(shape, -bound, bound);
    }

    static double normCdf(double x) {
        return (1.0 + erf(x / Math.sqrt(2.0))) / 2.0;
    }

    /** erf to double precision (Abramowitz–Stegun 7.1.26 is too coarse; use a series / continued fraction). */
    static double erf(double x) {
        double t = Math.abs(x);
        double r;
        if (t < 2.5) {
            // Maclaurin series: converges quickly for |x| < 2.5
            double sum = t;
            double term = t;
            for (int n = 1; n < 200; n++) {
                term *= -t * t / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-17 * Math.abs(sum)) {
                    break;
                }
            }
            r = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            // continued fraction for erfc
            double f = 0;
            for (int n = 60; n >= 1; n--) {
                f = n / 2.0 / (t + f);
            }
            r = 1 - Math.exp(-t * t) / Math.sqrt(Math.PI) / (t + f);
        }
        return x < 0 ? -r : r;
    }
}
