package dev.ropecheck.cli;

import dev.ropecheck.report.VerificationCases;
import dev.ropecheck.report.VerificationResult;
import dev.ropecheck.report.Verification;
import dev.ropecheck.report.Verifications;
import dev.ropecheck.report.JunitXml;
import dev.ropecheck.report.Measurement;
import dev.ropecheck.report.MeasurementFigures;
import dev.ropecheck.report.MeasuredFigures;
import dev.ropecheck.report.Progress;
import dev.ropecheck.report.ReportContent;
import dev.ropecheck.report.ReportWriter;
import dev.ropecheck.report.TightnessFigures;
import dev.ropecheck.report.Series;
import dev.ropecheck.report.Verdict;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code verify}: runs every registered {@link Verification} (and the plot measurements), prints the
 * table, writes {@code report.md}, {@code report.html} (figures inline), {@code report.json} and, with
 * {@code --junit-xml}, a JUnit XML file with one test case per row; exits 1 when any check fails.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Runs the lemma-by-lemma checks, prints the table and writes report.md and report.html "
                + "(with plots). Exit 1 if any check fails.")
final class VerifyCommand implements Callable<Integer> {
    private final CliContext context;
    private final Function<RegistryEngines, Verifications> checks;

    @Spec
    CommandSpec spec;

    static final class Mode {
        @Option(names = "--quick", description = "The main job: about one minute on an idle 2-core machine (the default).")
        boolean quick;

        @Option(names = "--full", description = "The researchers' run: n to 2^16, more seeds, the phase-transition"
                + " timings; minutes, with progress on stderr.")
        boolean full;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Mode mode;

    @Option(names = "--out", defaultValue = "target/verify-report", paramLabel = "DIR",
            description = "Report directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--precision", defaultValue = "50", paramLabel = "DIGITS", description = "Reference digits.")
    long precision;

    @Option(names = "--eps", defaultValue = "1e-6", description = "eps of the fast engines.")
    double eps;

    @Option(names = "--only", paramLabel = "ID[,ID...]", split = ",", description = "Run only the rows and"
            + " measurements with these ids (an ID that is no id selects those whose id contains it); measurement ids:"
            + " phase-transition, lemma-3.4-degree-table, bound-attainment, timing, error-vs-degree.")
    List<String> only;

    @Option(names = "--junit-xml", paramLabel = "FILE", description = "Also write a JUnit XML report: one test case per"
            + " row, a failure's message its worst case and replay command.")
    Path junitXml;

    @Option(names = "--figures", paramLabel = "FILE", description = "Also measure the timing workloads (exact engine"
            + " at d = 8 for Theorem 5.7, forward and gradient of every engine at d = 4) and write them as Markdown to"
            + " FILE; the committed copy is " + MeasuredFigures.FILE + ".")
    Path figuresFile;

    VerifyCommand(CliContext context) {
        this(context, Verifications::standard);
    }

    VerifyCommand(CliContext context, Function<RegistryEngines, Verifications> checks) {
        this.context = context;
        this.checks = checks;
    }

    /** What a run collects: the rows and their results, the plotted series, sections, figures and notes. */
    private static final class Collected {
        final List<ReportContent.Row> rows = new ArrayList<>();
        final List<VerificationResult> results = new ArrayList<>();
        final List<Series> series = new ArrayList<>();
        final List<ReportContent.Section> sections = new ArrayList<>();
        final List<TightnessFigures.Figure> figures = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
    }

    @Override
    public Integer call() throws IOException {
        EngineRegistry.Options options = ComputeCommand.options(precision, eps);
        // the targets are checked before anything is computed (issue 13: verify --out FILE computed for 13 s, then failed)
        requireWritableTargets();
        boolean full = mode != null && mode.full;
        VerificationCases cases = full ? VerificationCases.full() : VerificationCases.quick();
        RegistryEngines engines = new RegistryEngines(context, options);
        Verifications registry = checks.apply(engines);
        List<String> ids = new ArrayList<>(registry.checks().stream().map(Verification::id).toList());
        ids.addAll(registry.measurements().stream().map(Measurement::id).toList());
        requireKnownOnly(ids);
        Progress progress = Progress.console(System.err);
        PrintWriter pw = spec.commandLine().getOut();
        long t0 = System.nanoTime();
        Collected run = new Collected();
        runChecks(registry, ids, cases, progress, full, t0, run);
        run.figures.addAll(TightnessFigures.render(run.results.stream().flatMap(r -> r.points().stream()).toList()));
        runMeasurements(registry, ids, cases, progress, full, t0, run);
        run.figures.addAll(MeasurementFigures.render(run.series));
        double seconds = (System.nanoTime() - t0) / 1e9;
        pw.print(ReportWriter.table(run.results).render());
        run.notes.add(0, String.format(java.util.Locale.ROOT, "%s run, %.1f s; engines: %s.", full ? "full" : "quick",
                seconds, context.engines().entries().isEmpty() ? "none"
                        : String.join(", ", context.engines().entries().stream().map(EngineRegistry.Entry::name).toList())));
        run.notes.addAll(missingSpecs(run.results));
        writeOutputs(new ReportContent(full ? "full" : "quick", seconds, run.rows, run.figures, run.sections, run.notes),
                engines, full, progress, run.notes);
        for (String n : run.notes) {
            pw.println(n);
        }
        long failed = run.results.stream().filter(r -> r.verdict() == Verdict.FAIL).count();
        long passed = run.results.stream().filter(r -> r.verdict() == Verdict.PASS).count();
        long skipped = run.results.size() - failed - passed;
        pw.println(passed + " passed, " + failed + " failed, " + skipped + " skipped; report in " + out.resolve("report.md")
                + ", " + out.resolve("report.html") + " and " + out.resolve("report.json")
                + (junitXml == null ? "" : "; JUnit XML in " + junitXml));
        StandardOutput.finish(pw);
        return failed == 0 ? Main.EXIT_OK : Main.EXIT_FAILED;
    }

    /** {@code --out}, {@code --junit-xml} and {@code --figures} name places this run can write, or the run stops first. */
    private void requireWritableTargets() {
        dev.ropecheck.io.AtomicDirectory.requireWritableTarget(out, "--out");
        if (junitXml != null) {
            if (java.nio.file.Files.isDirectory(junitXml)) {
                throw new IllegalArgumentException("--junit-xml " + junitXml + " is a directory; it must be a file");
            }
            dev.ropecheck.io.AtomicDirectory.requireWritableTarget(junitXml.toAbsolutePath().getParent(), "--junit-xml");
        }
        if (figuresFile != null) {
            if (java.nio.file.Files.isDirectory(figuresFile)) {
                throw new IllegalArgumentException("--figures " + figuresFile + " is a directory; it must be a file");
            }
            dev.ropecheck.io.AtomicDirectory.requireWritableTarget(figuresFile.toAbsolutePath().getParent(), "--figures");
        }
    }

    /** Every {@code --only} value selects at least one id. */
    private void requireKnownOnly(List<String> ids) {
        if (only == null) {
            return;
        }
        for (String o : only) {
            if (ids.stream().noneMatch(id -> id.contains(o))) {
                throw new IllegalArgumentException("--only " + dev.ropecheck.io.InputText.quote(o) + " matches no check; the"
                        + " ids are " + String.join(", ", ids));
            }
        }
    }

    /** Runs the selected rows; a row that throws is a failed row with its cause, and the others still run. */
    private void runChecks(Verifications registry, List<String> ids, VerificationCases cases, Progress progress,
            boolean full, long t0, Collected run) {
        long selectedRows = registry.checks().stream().filter(x -> selected(x.id(), ids)).count();
        for (Verification c : registry.checks()) {
            if (!selected(c.id(), ids)) {
                continue;
            }
            VerificationResult r;
            long r0 = System.nanoTime();
            if (full) {
                // --full runs for minutes: one line per row on stderr, console or not
                spec.commandLine().getErr().printf(java.util.Locale.ROOT, "verify --full: %s (%d of %d rows) started at %.0f s%n",
                        c.id(), run.rows.size() + 1, selectedRows, (r0 - t0) / 1e9);
                spec.commandLine().getErr().flush();
            }
            try {
                r = c.run(cases, progress);
            } catch (RuntimeException e) {
                r = new VerificationResult(c.id(), c.title(), 0, Double.NaN, Double.NaN, Verdict.FAIL,
                        "error: " + e.getClass().getSimpleName() + ": " + e.getMessage(), List.of());
                if (Boolean.getBoolean("ropecheck.debug")) {
                    e.printStackTrace();
                }
            }
            run.results.add(r);
            run.rows.add(new ReportContent.Row(r, replay(full, c.id()), (System.nanoTime() - r0) / 1e9));
            run.series.addAll(r.series());
        }
    }

    /** Runs the selected measurements; one that throws is named in the notes, and the others still run. */
    private void runMeasurements(Verifications registry, List<String> ids, VerificationCases cases, Progress progress,
            boolean full, long t0, Collected run) {
        List<String> measurementTimes = new ArrayList<>();
        for (Measurement m : registry.measurements()) {
            if (!selected(m.id(), ids)) {
                continue;
            }
            long m0 = System.nanoTime();
            if (full) {
                spec.commandLine().getErr().printf(java.util.Locale.ROOT, "verify --full: measurement %s started at %.0f s%n",
                        m.title(), (m0 - t0) / 1e9);
                spec.commandLine().getErr().flush();
            }
            try {
                run.series.addAll(m.run(cases, progress));
                measurementTimes.add(String.format(java.util.Locale.ROOT, "%s %.1f s", m.title(),
                        (System.nanoTime() - m0) / 1e9));
                run.sections.addAll(m.sections());
                run.figures.addAll(m.figures());
            } catch (RuntimeException e) {
                run.notes.add("measurement \"" + m.title() + "\" failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
        if (!measurementTimes.isEmpty()) {
            run.notes.add("measurements (wall time): " + String.join(", ", measurementTimes) + ".");
        }
    }

    /** The report directory, then the JUnit XML and the measured-figures file when asked for. */
    private void writeOutputs(ReportContent content, RegistryEngines engines, boolean full, Progress progress,
            List<String> notes) throws IOException {
        ReportWriter.write(out, "ropecheck verification report", content);
        if (junitXml != null) {
            byte[] xml = JunitXml.write(content);
            java.nio.file.Files.createDirectories(junitXml.toAbsolutePath().getParent());
            dev.ropecheck.io.AtomicFile.write(junitXml, o -> o.write(xml));
        }
        if (figuresFile != null) {
            String md = MeasuredFigures.markdown(MeasuredFigures.measure(engines,
                    full ? MeasuredFigures.Sizes.full() : MeasuredFigures.Sizes.quick(), progress),
                    "java -jar target/ropecheck.jar verify " + (full ? "--full" : "--quick")
                    + (only == null ? "" : " --only " + String.join(",", only)) + " --figures " + MeasuredFigures.FILE);
            java.nio.file.Files.createDirectories(figuresFile.toAbsolutePath().getParent());
            dev.ropecheck.io.AtomicFile.write(figuresFile,
                    o -> o.write(md.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            notes.add("measured figures in " + figuresFile);
        }
    }

    /** Whether {@code id} is selected by {@code --only} (every id is when it is absent). */
    private boolean selected(String id, List<String> ids) {
        if (only == null) {
            return true;
        }
        for (String o : only) {
            if (ids.contains(o) ? id.equals(o) : id.contains(o)) {
                return true;
            }
        }
        return false;
    }

    /** The one-line command that replays row {@code id} of this run (same mode, eps and precision). */
    private String replay(boolean full, String id) {
        return "java -jar target/ropecheck.jar verify " + (full ? "--full" : "--quick") + " --only " + id
                + (eps != EngineRegistry.Options.DEFAULT_EPS ? " --eps " + eps : "")
                + (precision != EngineRegistry.Options.DEFAULT_PRECISION ? " --precision " + precision : "");
    }

    /** Notes for checks whose id has no {@code specs/<id>.md} entry (looked up under ./specs when present). */
    private static List<String> missingSpecs(List<VerificationResult> results) {
        List<String> notes = new ArrayList<>();
        Path specs = Path.of(System.getProperty("ropecheck.specs.dir", "specs"));
        if (!java.nio.file.Files.isDirectory(specs)) {
            return notes;
        }
        java.util.Set<String> checked = new java.util.HashSet<>();
        for (VerificationResult r : results) {
            checked.add(r.id());
            if (!java.nio.file.Files.exists(specs.resolve(r.id() + ".md"))) {
                notes.add("check " + r.id() + " has no entry " + specs.resolve(r.id() + ".md"));
            }
        }
        // Every specs/ entry is accounted for: those without a runtime check above are checked by the
        // test suite (mvn verify), which fails when an entry's named tests are missing (SpecsCoverageTest).
        List<String> suiteOnly = new ArrayList<>();
        for (dev.ropecheck.specs.SpecEntry e : dev.ropecheck.specs.SpecCatalog.read(specs).entries()) {
            if (!checked.contains(e.id())) {
                suiteOnly.add(e.id() + " (" + e.tests().size() + (e.tests().size() == 1 ? " test" : " tests") + ")");
            }
        }
        if (!suiteOnly.isEmpty()) {
            notes.add(suiteOnly.size() + " specs/ entries are checked by the test suite (mvn verify) rather than here: "
                    + String.join(", ", suiteOnly) + ".");
        }
        return notes;
    }
}
