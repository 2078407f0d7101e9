package dev.ropecheck.contract;

import dev.ropecheck.bounds.Deviation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Records {@code measured / bound} for every checked case, writes them to
 * {@code target/tightness/<name>.csv} and prints a per-quantity summary (min, median, max), so a bound
 * that is never within 1000x of the measurement shows up.
 */
final class TightnessLog {
    private final String name;
    private final Map<String, List<Double>> ratios = new TreeMap<>();
    private final StringBuilder csv = new StringBuilder("case,quantity,max_abs_error,allowed,ratio\n");

    TightnessLog(String name) {
        this.name = name;
    }

    synchronized void record(String caseId, String quantity, Deviation dev) {
        ratios.computeIfAbsent(quantity, k -> new ArrayList<>()).add(dev.ratio());
        csv.append('"').append(caseId.replace('"', '\'')).append("\",").append(quantity).append(',')
                .append(dev.maxAbsError()).append(',').append(dev.allowed()).append(',').append(dev.ratio()).append('\n');
    }

    /** Writes the CSV and returns the printed summary. */
    synchronized String flush() {
        StringBuilder sb = new StringBuilder("measured/bound for " + name + " (min / median / max over cases):\n");
        for (Map.Entry<String, List<Double>> e : ratios.entrySet()) {
            List<Double> v = new ArrayList<>(e.getValue());
            Collections.sort(v);
            sb.append(String.format("  %-10s n=%4d  %.2e / %.2e / %.2e%n", e.getKey(), v.size(), v.get(0),
                    v.get(v.size() / 2), v.get(v.size() - 1)));
        }
        try {
            Path dir = Path.of("target", "tightness");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(name + ".csv"), csv, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        System.out.print(sb);
        return sb.toString();
    }
}
