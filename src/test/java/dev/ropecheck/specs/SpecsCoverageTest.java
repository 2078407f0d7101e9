package dev.ropecheck.specs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every item the project claims to check has a {@code specs/} entry, and every entry names code and
 * tests that exist. A renamed or deleted test, or a lemma without an entry, fails the build.
 */
class SpecsCoverageTest {

    /** The items that must have an entry (RoPE-grad numbering unless stated). */
    static List<String> requiredIds() {
        List<String> ids = new ArrayList<>(List.of("def-3.1", "def-3.2"));
        for (int k = 12; k <= 17; k++) {
            ids.add("def-3." + k);
        }
        for (int k = 8; k <= 11; k++) {
            ids.add("fact-3." + k);
        }
        ids.add("lemma-3.18");
        for (int k = 1; k <= 7; k++) {
            ids.add("lemma-4.1-part-" + k);
        }
        for (int k = 1; k <= 6; k++) {
            ids.add("lemma-5." + k);
        }
        ids.add("theorem-5.7");
        ids.add("section-7-reduction");
        // Lemma 3.4 and the fast forward (RoPE-fwd Thm 1.3 = RoPE-grad Lemma 6.1) with their bounds
        ids.addAll(List.of("lemma-3.4", "lemma-6.1", "fast-forward-bound", "fast-forward-lowrank"));
        // the fast engines under the kernel conventions of MATH §9 (scale, causal mask)
        ids.add("causal-fast");
        // the fast gradient (Section 6)
        for (int k = 2; k <= 6; k++) {
            ids.add("lemma-6." + k);
        }
        ids.add("theorem-6.7");
        // tensor attention (Tensor-grad)
        ids.addAll(List.of("tensor-attention-def", "tensor-loss", "tensor-gradient-closed-form",
                "tensor-kronecker-identity", "tensor-main-theorem"));
        // the JSON formats
        ids.addAll(List.of("format-instance", "format-result", "format-tensor-instance"));
        // the verdicts of check and the componentwise tolerance
        ids.add("check-verdicts");
        return ids;
    }

    private static SpecCatalog catalog() {
        return SpecCatalog.read(Path.of(System.getProperty("ropecheck.specs.dir", "specs")));
    }

    @Test
    @DisplayName("every required definition, fact, lemma and theorem has a specs/ entry")
    void everyRequiredItemHasAnEntry() {
        SpecCatalog c = catalog();
        List<String> missing = new ArrayList<>();
        for (String id : requiredIds()) {
            if (!c.has(id)) {
                missing.add(id);
            }
        }
        assertTrue(missing.isEmpty(), "specs/ entries missing: " + missing);
    }

    @Test
    @DisplayName("every test named by a specs/ entry exists")
    void everyNamedTestExists() {
        List<String> problems = new ArrayList<>();
        for (SpecEntry e : catalog().entries()) {
            if (e.tests().isEmpty()) {
                problems.add(e.id() + ": names no test");
            }
            for (String t : e.tests()) {
                String p = resolve(t, true);
                if (p != null) {
                    problems.add(e.id() + ": " + p);
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    @DisplayName("every implementing class or member named by a specs/ entry exists")
    void everyNamedCodeExists() {
        List<String> problems = new ArrayList<>();
        for (SpecEntry e : catalog().entries()) {
            for (String t : e.code()) {
                String p = resolve(t, false);
                if (p != null) {
                    problems.add(e.id() + ": " + p);
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    @DisplayName("the parser rejects an entry without a tests key")
    void parserRejectsIncompleteEntry() {
        IllegalArgumentException ex = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> SpecCatalog.parse("x.md", "---\nid: x\ntitle: t\nsource: s\ncode: C\ntolerance: none\n---\nbody"));
        assertTrue(ex.getMessage().contains("\"tests\" is missing"), ex.getMessage());
    }

    /** Returns null when {@code ref} ("Class#member" or "Class") resolves, else the problem. */
    private static String resolve(String ref, boolean mustBeMember) {
        int hash = ref.indexOf('#');
        String cls = hash < 0 ? ref : ref.substring(0, hash);
        if (mustBeMember && hash < 0) {
            return ref + " names no method (use Class#method)";
        }
        Class<?> c;
        try {
            c = Class.forName(cls);
        } catch (ClassNotFoundException ex) {
            return "class " + cls + " does not exist";
        }
        if (hash < 0) {
            return null;
        }
        String member = ref.substring(hash + 1);
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            for (Method m : k.getDeclaredMethods()) {
                if (m.getName().equals(member)) {
                    return null;
                }
            }
            for (java.lang.reflect.Field f : k.getDeclaredFields()) {
                if (f.getName().equals(member)) {
                    return null;
                }
            }
        }
        for (java.lang.reflect.Constructor<?> k : c.getDeclaredConstructors()) {
            if (c.getSimpleName().equals(member)) {
                return null;
            }
        }
        return "member " + member + " of " + cls + " does not exist";
    }
}
