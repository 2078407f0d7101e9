package dev.ropecheck.bounds;

import dev.ropecheck.model.RopeInstance;
import java.util.Arrays;
import java.util.Comparator;

/**
 * Binary32 attention ({@code Att = softmax(σ q k^T) v}, identity family, MATH §2) in the two orders that
 * make the roundings of {@code proofs-notes/first-order-rounding.md} §2 as large as they can be: online
 * softmax over keys in ascending score (a rescale at every key), and a two-pass softmax whose output
 * sums put, per column, the positive terms first (largest first) and the negative ones last (smallest
 * first), so the partial sums reach {@code max(Σ t^+, Σ t^-)}. Every operation is a Java {@code float}
 * operation; {@code exp} is the binary64 one rounded to binary32 (within one ulp).
 */
final class AdversarialFloatAttention {
    private AdversarialFloatAttention() {
    }

    static double[] attention(RopeInstance in, boolean online) {
        int n = in.n();
        int d = in.d();
        float sigma = (float) in.scale();
        double[] q = in.a1().data;
        double[] k = in.a2().data;
        double[] v = in.a3().data;
        double[] out = new double[n * d];
        float[] s = new float[n];
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                float dot = 0;
                for (int a = 0; a < d; a++) {
                    dot += (float) q[i * d + a] * (float) k[j * d + a];
                }
                s[j] = sigma * dot;
                order[j] = j;
            }
            Arrays.sort(order, Comparator.comparingDouble(j -> s[j]));
            if (online) {
                onlineRow(s, order, v, d, out, i * d);
            } else {
                sortedRow(s, v, n, d, out, i * d);
            }
        }
        return out;
    }

    private static void onlineRow(float[] s, Integer[] ascending, double[] v, int d, double[] out, int o) {
        float m = Float.NEGATIVE_INFINITY;
        float l = 0;
        float[] acc = new float[d];
        for (int j : ascending) {
            if (s[j] > m) {
                float alpha = m == Float.NEGATIVE_INFINITY ? 0 : (float) Math.exp(m - s[j]);
                l *= alpha;
                for (int c = 0; c < d; c++) {
                    acc[c] *= alpha;
                }
                m = s[j];
            }
            float a = (float) Math.exp(s[j] - m);
            l += a;
            for (int c = 0; c < d; c++) {
                acc[c] += a * (float) v[j * d + c];
            }
        }
        for (int c = 0; c < d; c++) {
            out[o + c] = acc[c] / l;
        }
    }

    private static void sortedRow(float[] s, double[] v, int n, int d, double[] out, int o) {
        float m = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            m = Math.max(m, s[j]);
        }
        float l = 0;
        float[] f = new float[n];
        for (int j = 0; j < n; j++) {
            f[j] = (float) Math.exp(s[j] - m);
            l += f[j];
        }
        for (int j = 0; j < n; j++) {
            f[j] /= l;
        }
        float[] t = new float[n];
        for (int c = 0; c < d; c++) {
            for (int j = 0; j < n; j++) {
                t[j] = f[j] * (float) v[j * d + c];
            }
            Arrays.sort(t);
            float acc = 0;
            for (int j = n - 1; j >= 0 && t[j] >= 0; j--) {
                acc += t[j];
            }
            for (int j = n - 1; j >= 0; j--) {
                if (t[j] < 0) {
                    acc += t[j];
                }
            }
            out[o + c] = acc;
        }
    }
}
