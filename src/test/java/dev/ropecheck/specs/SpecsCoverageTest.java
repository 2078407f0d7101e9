package dev.ropecheck.specs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every item the project claims to check has a {@code specs/} entry, and every entry names code and
 * tests that exist. The entry-test link runs both ways: every test an entry names carries the entry's
 * id in its {@link Spec} annotation, and every {@link Spec} id names an entry that lists the test. A
 * renamed or deleted test, a test that claims an entry which does not list it, or a lemma without an
 * entry, fails the build.
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
    @DisplayName("every test named by a specs/ entry carries that entry's id in @Spec")
    void everyNamedTestCarriesItsEntryId() {
        List<String> problems = new ArrayList<>();
        for (SpecEntry e : catalog().entries()) {
            for (String t : e.tests()) {
                int hash = t.indexOf('#');
                List<Method> named = hash < 0 ? List.of() : methods(t.substring(0, hash), t.substring(hash + 1));
                boolean carries = false;
                for (Method m : named) {
                    Spec spec = m.getAnnotation(Spec.class);
                    carries |= spec != null && Arrays.asList(spec.value()).contains(e.id());
                }
                if (!named.isEmpty() && !carries) {
                    problems.add(t + " lacks @Spec(\"" + e.id() + "\")");
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    @DisplayName("every @Spec id names a specs/ entry that lists the test (the reverse direction)")
    void everySpecAnnotationNamesAnEntryThatListsTheTest() throws Exception {
        SpecCatalog c = catalog();
        List<Class<?>> classes = testClasses();
        List<String> problems = new ArrayList<>();
        int annotated = 0;
        for (Class<?> k : classes) {
            for (Method m : k.getDeclaredMethods()) {
                Spec spec = m.getAnnotation(Spec.class);
                if (spec == null) {
                    continue;
                }
                annotated++;
                for (String id : spec.value()) {
                    if (!c.has(id)) {
                        problems.add(k.getName() + "#" + m.getName() + " names the missing entry " + id);
                        continue;
                    }
                    boolean listed = false;
                    for (String t : c.get(id).tests()) {
                        int hash = t.indexOf('#');
                        Class<?> named = hash < 0 ? null : load(t.substring(0, hash));
                        listed |= named != null && t.substring(hash + 1).equals(m.getName()) && k.isAssignableFrom(named);
                    }
                    if (!listed) {
                        problems.add(k.getName() + "#" + m.getName() + " claims " + id + ", whose tests: line does not list it");
                    }
                }
            }
        }
        assertTrue(annotated >= 100, "annotated test methods found: " + annotated + " in " + classes.size() + " classes");
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /** Every compiled test class of the project (the directory this class was loaded from). */
    private static List<Class<?>> testClasses() throws Exception {
        Path root = Path.of(SpecsCoverageTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<?>> out = new ArrayList<>();
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(root)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".class"))::iterator) {
                String rel = root.relativize(f).toString();
                Class<?> k = load(rel.substring(0, rel.length() - ".class".length()).replace(java.io.File.separatorChar, '.'));
                if (k != null) {
                    out.add(k);
                }
            }
        }
        return out;
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, SpecsCoverageTest.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    /** The methods called {@code name} of {@code cls} and its superclasses (overloads included). */
    private static List<Method> methods(String cls, String name) {
        List<Method> out = new ArrayList<>();
        for (Class<?> k = load(cls); k != null; k = k.getSuperclass()) {
            for (Method m : k.getDeclaredMethods()) {
                if (m.getName().equals(name)) {
                    out.add(m);
                }
            }
        }
        return out;
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
