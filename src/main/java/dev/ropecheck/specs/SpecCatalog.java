package dev.ropecheck.specs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Reads the {@code specs/} folder: every {@code *.md} file except {@code README.md} is one {@link SpecEntry}. */
public final class SpecCatalog {
    private static final List<String> KEYS = List.of("id", "title", "source", "code", "tests", "tolerance");

    private final Map<String, SpecEntry> entries;

    private SpecCatalog(Map<String, SpecEntry> entries) {
        this.entries = entries;
    }

    /** Reads every entry below {@code dir}, sorted by file name. */
    public static SpecCatalog read(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("specs folder " + dir.toAbsolutePath() + " does not exist");
        }
        Map<String, SpecEntry> map = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.sorted().collect(Collectors.toList())) {
                String name = p.getFileName().toString();
                if (!name.endsWith(".md") || name.equals("README.md")) {
                    continue;
                }
                SpecEntry e = parse(name, Files.readString(p, StandardCharsets.UTF_8));
                String stem = name.substring(0, name.length() - 3);
                if (!e.id().equals(stem)) {
                    throw new IllegalArgumentException(name + ": id \"" + e.id() + "\" must equal the file name \"" + stem + "\"");
                }
                map.put(e.id(), e);
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return new SpecCatalog(map);
    }

    /** Parses one entry; {@code origin} names it in error messages. */
    public static SpecEntry parse(String origin, String text) {
        String[] lines = text.split("\\R", -1);
        if (lines.length == 0 || !lines[0].strip().equals("---")) {
            throw new IllegalArgumentException(origin + ": must start with a front-matter line \"---\"");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        int i = 1;
        for (; i < lines.length && !lines[i].strip().equals("---"); i++) {
            String line = lines[i];
            int colon = line.indexOf(':');
            if (line.isBlank()) {
                continue;
            }
            if (colon <= 0) {
                throw new IllegalArgumentException(origin + ": front-matter line " + (i + 1) + " is not \"key: value\"");
            }
            String value = line.substring(colon + 1);
            int hash = value.indexOf(" #");
            fields.put(line.substring(0, colon).strip(), (hash >= 0 ? value.substring(0, hash) : value).strip());
        }
        if (i >= lines.length) {
            throw new IllegalArgumentException(origin + ": the front matter has no closing \"---\"");
        }
        for (String k : KEYS) {
            if (!fields.containsKey(k) || fields.get(k).isEmpty()) {
                throw new IllegalArgumentException(origin + ": front-matter key \"" + k + "\" is missing or empty");
            }
        }
        String body = String.join("\n", Arrays.asList(lines).subList(i + 1, lines.length)).strip();
        return new SpecEntry(fields.get("id"), fields.get("title"), fields.get("source"), list(fields.get("code")),
                list(fields.get("tests")), fields.get("tolerance"), body);
    }

    private static List<String> list(String s) {
        List<String> out = new ArrayList<>();
        for (String part : s.split(",")) {
            if (!part.isBlank()) {
                out.add(part.strip());
            }
        }
        return out;
    }

    public List<SpecEntry> entries() {
        return new ArrayList<>(entries.values());
    }

    public boolean has(String id) {
        return entries.containsKey(id);
    }

    public SpecEntry get(String id) {
        SpecEntry e = entries.get(id);
        if (e == null) {
            throw new IllegalArgumentException("no specs entry \"" + id + "\"");
        }
        return e;
    }
}
