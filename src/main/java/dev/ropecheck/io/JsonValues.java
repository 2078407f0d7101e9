package dev.ropecheck.io;

import com.fasterxml.jackson.core.JsonToken;
import java.util.Arrays;

/**
 * A growable row-major store of the numbers of one matrix, vector or scalar that {@link JsonGrids}
 * reads, without boxing; a decimal string's text is kept beside its rounded double (result files).
 */
final class JsonValues {
    private double[] data = new double[64];
    private String[] text;
    private int size;

    /**
     * Adds the current value, entry {@code [row][col]} of {@code name} ({@code row < 0}: {@code [col]});
     * the name with its index is built only when the exact path is taken (no per-entry allocation
     * on the fast path).
     */
    void add(JsonIn in, String name, int row, int col, JsonIn.Numbers mode) {
        if (mode == JsonIn.Numbers.EXACT) {
            double v = in.fastExactOfCurrent();
            if (!Double.isNaN(v)) {
                if (size == data.length) {
                    data = Arrays.copyOf(data, data.length * 2);
                    if (text != null) {
                        text = Arrays.copyOf(text, data.length);
                    }
                }
                data[size++] = v;
                return;
            }
        }
        add(in, row < 0 ? name + "[" + col + "]" : name + "[" + row + "][" + col + "]", mode);
    }

    void add(JsonIn in, String where, JsonIn.Numbers mode) {
        if (size == data.length) {
            data = Arrays.copyOf(data, data.length * 2);
            if (text != null) {
                text = Arrays.copyOf(text, data.length);
            }
        }
        JsonToken t = in.current();
        double v;
        if (mode == JsonIn.Numbers.EXACT) {
            v = ExactDecimal.exactDouble(in.decimalOfCurrent(where), in.prefixed(where));
        } else if (t == JsonToken.VALUE_STRING) {
            String s = in.text(where).strip();
            v = in.roundedOfCurrent(where);
            if (text == null) {
                text = new String[data.length];
            }
            // A decimal whose exponent over- or underflowed binary64 (the reference at large entry bounds
            // writes e.g. "4e40478336916") is kept as its double only: its text has an exponent no
            // BigDecimal can hold.
            boolean overflowed = (v == 0 || Double.isInfinite(v)) && (s.indexOf('e') >= 0 || s.indexOf('E') >= 0);
            text[size] = overflowed ? null : s;
        } else {
            v = in.roundedOfCurrent(where);
        }
        data[size++] = v;
    }

    Grid grid(int rows, int cols, int dims) {
        return new Grid(rows, cols, dims, Arrays.copyOf(data, size), text == null ? null : Arrays.copyOf(text, size));
    }
}
