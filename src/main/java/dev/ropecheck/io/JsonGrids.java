package dev.ropecheck.io;

import com.fasterxml.jackson.core.JsonToken;

/**
 * Reads the matrices, vectors and scalars of the instance and result formats from a {@link JsonIn}
 * (specs/format-instance.md, specs/format-result.md): rows of equal length, never empty, every entry
 * through {@link JsonValues#add} in the document's {@link JsonIn.Numbers} mode.
 */
final class JsonGrids {
    private JsonGrids() {
    }

    /**
     * Reads the next value as a matrix: an array of equally long arrays of numbers.
     *
     * @param name field name for messages, e.g. {@code A1} or {@code W[3]}
     */
    static Grid readMatrix(JsonIn json, String name, JsonIn.Numbers mode) {
        JsonToken t = json.next();
        if (t != JsonToken.START_ARRAY) {
            throw json.error(name + ": expected a matrix (an array of rows), found " + JsonIn.describe(t));
        }
        return readMatrixBody(json, name, mode);
    }

    /** Reads a matrix whose opening bracket was just consumed. */
    static Grid readMatrixBody(JsonIn json, String name, JsonIn.Numbers mode) {
        JsonToken t;
        JsonValues values = new JsonValues();
        int rows = 0;
        int cols = -1;
        while ((t = json.next()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_ARRAY) {
                throw json.error(name + "[" + rows + "]: expected a row (an array of numbers), found " + JsonIn.describe(t));
            }
            int c = readRow(json, values, name, rows, mode);
            if (cols < 0) {
                cols = c;
            } else if (c != cols) {
                throw json.error(name + "[" + rows + "] has " + c + " entries but row 0 has " + cols
                        + " (a matrix needs rows of equal length)");
            }
            rows++;
        }
        if (rows == 0 || cols == 0) {
            throw json.error(name + " is empty (" + rows + " rows, " + Math.max(cols, 0) + " columns)");
        }
        return values.grid(rows, cols, 2);
    }

    /** Reads the entries of row {@code row} (its opening bracket just consumed) up to its closing bracket; returns how many. */
    private static int readRow(JsonIn json, JsonValues values, String name, int row, JsonIn.Numbers mode) {
        int c = 0;
        while (json.next() != JsonToken.END_ARRAY) {
            values.add(json, name, row, c, mode);
            c++;
        }
        return c;
    }

    /**
     * Reads the next value, whatever its rank: a number/string (scalar), an array of numbers
     * (vector) or an array of arrays (matrix).
     */
    static Grid readAny(JsonIn json, String name, JsonIn.Numbers mode) {
        JsonToken t = json.next();
        if (t == JsonToken.START_ARRAY) {
            JsonValues values = new JsonValues();
            t = json.next();
            if (t == JsonToken.START_ARRAY) {
                int rows = 0;
                int cols = -1;
                while (t != JsonToken.END_ARRAY) {
                    if (t != JsonToken.START_ARRAY) {
                        throw json.error(name + "[" + rows + "]: expected a row (an array of numbers), found "
                                + JsonIn.describe(t));
                    }
                    int c = readRow(json, values, name, rows, mode);
                    if (cols < 0) {
                        cols = c;
                    } else if (c != cols) {
                        throw json.error(name + "[" + rows + "] has " + c + " entries but row 0 has " + cols);
                    }
                    rows++;
                    t = json.next();
                }
                if (cols == 0) {
                    throw json.error(name + " has empty rows");
                }
                return values.grid(rows, cols, 2);
            }
            int k = 0;
            while (t != JsonToken.END_ARRAY) {
                values.add(json, name, -1, k, mode);
                k++;
                t = json.next();
            }
            if (k == 0) {
                throw json.error(name + " is empty");
            }
            return values.grid(k, 1, 1);
        }
        JsonValues values = new JsonValues();
        values.add(json, name, mode);
        return values.grid(1, 1, 0);
    }
}
