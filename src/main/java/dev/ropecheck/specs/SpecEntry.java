package dev.ropecheck.specs;

import java.util.List;

/**
 * One entry of {@code specs/}: a definition, lemma or theorem with the code that implements it, the
 * tests that check it and the tolerance or bound they use (format: {@code specs/README.md}).
 *
 * @param id unique id, equal to the file name without {@code .md} (e.g. {@code lemma-4.1-part-3})
 * @param title human-readable title
 * @param source the paper and its numbering (e.g. {@code RoPE-grad Lemma 4.1 part 3})
 * @param code implementing members, {@code fully.qualified.Class#member} or a class name
 * @param tests checking test methods, {@code fully.qualified.Class#method}
 * @param tolerance the tolerance or bound the tests apply, in words
 * @param body the statement and derivation (Markdown)
 */
public record SpecEntry(String id, String title, String source, List<String> code, List<String> tests,
        String tolerance, String body) {
}
