package dev.ropecheck.engine.fast;

/** {@code C(a+b, b)} saturating at {@link Long#MAX_VALUE}. */
final class Binomial {
    private Binomial() {
    }

    /** Number of multisets of size {@code <= g} from {@code t} items: {@code C(t+g, g)}. */
    static long multisets(int t, int g) {
        long r = 1;
        for (int i = 1; i <= g; i++) {
            // r = C(t+i-1, i-1) -> C(t+i, i) = r (t+i) / i, exact in integers
            long num = r * (long) (t + i);
            if (r != 0 && num / r != t + i) {
                return Long.MAX_VALUE;
            }
            r = num / i;
        }
        return r;
    }
}
