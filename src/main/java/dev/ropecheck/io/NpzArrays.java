package dev.ropecheck.io;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.openlca.npy.Npy;
import org.openlca.npy.NpyArray;
import org.openlca.npy.NpyCharArray;
import org.openlca.npy.NpyDataType;
import org.openlca.npy.NpyDoubleArray;
import org.openlca.npy.NpyFloatArray;
import org.openlca.npy.NpyHeader;

/**
 * The arrays of an NPZ file ({@code np.savez}; {@code specs/format-npz.md}), read and written through
 * {@code org.openlca:npy}: its header parser for every entry (NPY versions 1-3, byte order, shape), its
 * readers for {@code uint16} (bfloat16 bit patterns) and strings (the {@code dtype} entry); the
 * {@code float64} and {@code float32} bulk is decoded by {@code java.nio} in one call after that header
 * ({@link #bulk}). {@code float16} entries are decoded here from their bits, exactly: the library widens
 * {@code f2} through a conversion that is not exact for powers of two above 1
 * ({@code NpzArraysTest#libraryHalfConversionIsInexact}). Every value read is the exact value stored
 * (no decimal round trip); C order only.
 */
public final class NpzArrays {
    /** Largest entry accepted, bytes (2^31 - 1: a Java array). */
    static final long MAX_ENTRY_BYTES = Integer.MAX_VALUE - 64;

    private NpzArrays() {
    }

    /**
     * One array: its shape and values (row-major), and the NPY type it was stored as ({@code f8},
     * {@code f4}, {@code f2}, {@code u2}, {@code U}); {@code text} for a string entry.
     */
    public record Array(String name, int[] shape, double[] data, String npyType, String text) {
        /** The number of entries, the product of the shape. */
        public int size() {
            return data.length;
        }
    }

    /** True when {@code file}'s name ends in {@code .npz}. */
    public static boolean isNpz(Path file) {
        return file.getFileName() != null && file.getFileName().toString().endsWith(".npz");
    }

    /**
     * Every array of {@code file}, by name (the entry name without {@code .npy}), in file order.
     *
     * @throws FormatException naming the file and the entry when the file is missing, not a zip, or an
     *     entry is not an NPY array of a supported type
     */
    public static Map<String, Array> read(Path file) {
        Map<String, Array> out = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> es = zip.entries();
            while (es.hasMoreElements()) {
                ZipEntry e = es.nextElement();
                String entry = e.getName();
                if (e.isDirectory()) {
                    continue;
                }
                String name = entry.endsWith(".npy") ? entry.substring(0, entry.length() - 4) : entry;
                if (e.getSize() > MAX_ENTRY_BYTES) {
                    throw new FormatException(file + ": entry " + InputText.quote(entry) + " holds " + e.getSize()
                            + " bytes, above the limit " + MAX_ENTRY_BYTES);
                }
                byte[] bytes;
                try (InputStream in = zip.getInputStream(e)) {
                    bytes = in.readAllBytes();
                }
                out.put(name, decode(file, name, bytes));
            }
        } catch (NoSuchFileException e) {
            throw new FormatException(file + ": no such file");
        } catch (ZipException e) {
            throw new FormatException(file + ": not an NPZ (zip) file: " + e.getMessage());
        } catch (IOException e) {
            throw new FormatException(file + ": cannot read: " + e.getMessage());
        }
        return out;
    }

    private static Array decode(Path file, String name, byte[] bytes) {
        String where = file + ": array " + InputText.quote(name);
        NpyHeader header = readHeader(where, bytes);
        var dict = header.dict();
        int[] shape = dict.shape().clone();
        NpyDataType type = dict.dataType();
        long count = entryCount(shape, type);
        if (type == NpyDataType.f2) {
            return new Array(name, shape, halves(where, bytes, header, count), "f2", null);
        }
        if (type == NpyDataType.f8 || type == NpyDataType.f4) {
            return new Array(name, shape, bulk(where, bytes, header, count, type), type.name(), null);
        }
        return fromLibrary(where, name, shape, type, count, bytes);
    }

    /** The NPY header of an entry; a {@link FormatException} when there is none or it says Fortran order. */
    private static NpyHeader readHeader(String where, byte[] bytes) {
        NpyHeader header;
        try {
            header = NpyHeader.read(new ByteArrayInputStream(bytes));
        } catch (IOException | RuntimeException e) {
            throw new FormatException(where + " is not an NPY array: " + e.getMessage());
        }
        if (header.dict().hasFortranOrder()) {
            throw new FormatException(where + " is stored in Fortran order; write it in C order (np.ascontiguousarray)");
        }
        return header;
    }

    /** The number of values {@code shape} holds; 0 for a string entry. */
    private static long entryCount(int[] shape, NpyDataType type) {
        long count = 1;
        for (int s : shape) {
            count *= s;
        }
        if (type == NpyDataType.U || type == NpyDataType.S) {
            count = 0;
        }
        return count;
    }

    /**
     * An entry decoded by the library's own reader: {@code uint16} (bfloat16 bits) or a string; a
     * {@link FormatException} for a value count other than {@code count} (when not 0) or an unsupported type.
     */
    private static Array fromLibrary(String where, String name, int[] shape, NpyDataType type, long count,
            byte[] bytes) {
        NpyArray<?> a;
        try {
            a = Npy.read(Channels.newChannel(new ByteArrayInputStream(bytes)));
        } catch (RuntimeException e) {
            throw new FormatException(where + ": " + e.getMessage());
        }
        if (count > 0 && a.size() != count) {
            throw new FormatException(where + " holds " + a.size() + " values but its shape needs " + count);
        }
        switch (type) {
            case f8:
                return new Array(name, shape, a.asDoubleArray().data(), "f8", null);
            case f4:
                return new Array(name, shape, widen(a.asFloatArray().data()), "f4", null);
            case u2:
                return new Array(name, shape, widen(a.asIntArray().data()), "u2", null);
            case U:
            case S:
                return new Array(name, shape, new double[0], type.name(), text(a));
            default:
                throw new FormatException(where + " has dtype " + type + "; arrays are float64, float32, float16, or"
                        + " bfloat16 stored as uint16 (with a dtype entry \"bf16\")");
        }
    }

    /** {@code f} as doubles (exact). */
    private static double[] widen(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    /** {@code u} as doubles (exact). */
    private static double[] widen(int[] u) {
        double[] d = new double[u.length];
        for (int i = 0; i < u.length; i++) {
            d[i] = u[i];
        }
        return d;
    }

    /** The message of an entry shorter than its header and shape need. */
    private static FormatException truncated(String where, int length, long need) {
        return new FormatException(where + " is truncated: " + length + " bytes, its shape needs " + need);
    }

    private static String text(NpyArray<?> a) {
        if (a instanceof NpyCharArray) {
            return new String(((NpyCharArray) a).data()).trim();
        }
        return a.toString();
    }

    /**
     * {@code float64} or {@code float32} values after the library's header, decoded in bulk by
     * {@code java.nio} ({@code asDoubleBuffer().get}, {@code asFloatBuffer().get}): the library's own
     * reader goes element by element (both timed by {@code NpzReadSpeedLongTest}); the values are the same bits.
     */
    private static double[] bulk(String where, byte[] bytes, NpyHeader header, long count, NpyDataType type) {
        int size = type == NpyDataType.f8 ? 8 : 4;
        long need = header.dataOffset() + size * count;
        if (need > bytes.length || count > Integer.MAX_VALUE) {
            throw truncated(where, bytes.length, need);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, (int) header.dataOffset(), (int) (size * count)).slice()
                .order(header.byteOrder());
        if (type == NpyDataType.f8) {
            double[] out = new double[(int) count];
            b.asDoubleBuffer().get(out);
            return out;
        }
        float[] f = new float[(int) count];
        b.asFloatBuffer().get(f);
        return widen(f);
    }

    /** {@code float16} values from their bits, exactly ({@link #halfToDouble}). */
    private static double[] halves(String where, byte[] bytes, NpyHeader header, long count) {
        long need = header.dataOffset() + 2 * count;
        if (need > bytes.length) {
            throw truncated(where, bytes.length, need);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(header.byteOrder());
        b.position((int) header.dataOffset());
        double[] out = new double[(int) count];
        for (int i = 0; i < out.length; i++) {
            out[i] = halfToDouble(b.getShort() & 0xffff);
        }
        return out;
    }

    /** The exact value of the IEEE binary16 number with bits {@code h} (NaN and infinities kept). */
    public static double halfToDouble(int h) {
        int sign = (h & 0x8000) != 0 ? -1 : 1;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return mant == 0 ? sign * Double.POSITIVE_INFINITY : Double.NaN;
        }
        if (exp == 0) {
            return sign * Math.scalb((double) mant, -24);
        }
        return sign * Math.scalb((double) (mant | 0x400), exp - 25);
    }

    /** The exact value of the bfloat16 number with bits {@code b} ({@code uint16}). */
    public static double bf16ToDouble(int b) {
        return Float.intBitsToFloat(b << 16);
    }

    /** The exact values of the bfloat16 bit patterns {@code bits} (a {@code uint16} array as read), in a new array. */
    static double[] bf16Values(double[] bits) {
        double[] v = bits.clone();
        for (int i = 0; i < v.length; i++) {
            v[i] = bf16ToDouble((int) v[i]);
        }
        return v;
    }

    /**
     * Writes {@code arrays} to {@code file} atomically as an NPZ ({@code name.npy} entries, stored uncompressed
     * as {@code np.savez} does): {@code f8}
     * arrays from doubles, or {@code f4} when {@code float32} is true (every value must then be a float);
     * {@code strings} as unicode entries (the {@code dtype} entry).
     */
    public static void write(Path file, Map<String, Array> arrays, Map<String, String> strings, boolean float32) {
        AtomicFile.write(file, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            for (Map.Entry<String, String> s : strings.entrySet()) {
                java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
                Npy.write(buf, NpyCharArray.of(s.getValue()));
                stored(zip, s.getKey() + ".npy", buf);
            }
            for (Array a : arrays.values()) {
                java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream(64 + 8 * a.data().length);
                if (float32) {
                    float[] f = new float[a.data().length];
                    for (int i = 0; i < f.length; i++) {
                        f[i] = (float) a.data()[i];
                        if (f[i] != a.data()[i] && !Double.isNaN(a.data()[i])) {
                            throw new IllegalArgumentException(a.name() + "[" + i + "] = " + a.data()[i]
                                    + " is not a float32 value");
                        }
                    }
                    Npy.write(buf, new NpyFloatArray(a.shape().clone(), f, false));
                } else {
                    Npy.write(buf, new NpyDoubleArray(a.shape().clone(), a.data(), false));
                }
                stored(zip, a.name() + ".npy", buf);
            }
            zip.finish();
        });
    }

    /** One entry stored without compression, as {@code np.savez} writes them (so reading is a copy). */
    private static void stored(ZipOutputStream zip, String name, java.io.ByteArrayOutputStream buf) throws IOException {
        byte[] b = buf.toByteArray();
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(b);
        ZipEntry e = new ZipEntry(name);
        // np.savez's fixed date (1980-01-01), local, so equal arrays give equal bytes (the golden corpus checksums)
        e.setTimeLocal(java.time.LocalDateTime.of(1980, 1, 1, 0, 0));
        e.setMethod(ZipEntry.STORED);
        e.setSize(b.length);
        e.setCompressedSize(b.length);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(b);
        zip.closeEntry();
    }

    /** {@code "[2, 3]"}-style text of a shape, for messages. */
    static String shape(int[] s) {
        return Arrays.toString(s);
    }
}
