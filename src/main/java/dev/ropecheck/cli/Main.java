package dev.ropecheck.cli;

import dev.ropecheck.io.InputText;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/**
 * Entry point of {@code java -jar target/ropecheck.jar}. Exit codes: 0 success, 1 a check or
 * verification failed, 2 bad input or usage, or a file that cannot be read or written (one message on stderr,
 * never a stack trace), 3 a needed engine or bound is not available, or the instance is too large for an engine or
 * for the heap ({@link OutOfMemoryError}, {@link StackOverflowError}), 70 an internal error. Every failure is one
 * line ({@link InputText#oneLine}); code 1 never stands for a crash.
 */
public final class Main {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_UNAVAILABLE = 3;
    public static final int EXIT_INTERNAL = 70;

    private Main() {
    }

    /** What the current command is working on, for the out-of-memory message (e.g. "n = 65536, d = 8, engine exact"). */
    private static volatile String workload;

    public static void main(String[] args) {
        CommandLine cl = commandLine(CliContext.standard());
        cl.setOut(StandardOutput.writer());
        System.exit(execute(cl, args));
    }

    /**
     * Runs {@code cl} on {@code args}; an {@link OutOfMemoryError} or {@link StackOverflowError} becomes one line
     * naming what was being worked on and the JVM's limit, and exit code 3.
     */
    public static int execute(CommandLine cl, String[] args) {
        workload = null;
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            String w = workload;
            long max = Runtime.getRuntime().maxMemory();
            cl.getErr().println("ropecheck: out of memory" + (w == null ? "" : " on " + w) + ": the Java heap limit -Xmx is "
                    + (max == Long.MAX_VALUE ? "unlimited" : (max >> 20) + " MiB")
                    + "; run with a larger -Xmx (java -Xmx8g -jar ropecheck.jar ...) or a smaller instance");
            cl.getErr().flush();
            return EXIT_UNAVAILABLE;
        } catch (StackOverflowError e) {
            String w = workload;
            cl.getErr().println("ropecheck: stack overflow" + (w == null ? "" : " on " + w)
                    + ": the input nests too deeply for the thread stack (-Xss); run with a larger -Xss or a flatter input");
            cl.getErr().flush();
            return EXIT_UNAVAILABLE;
        }
    }

    /** Records what the running command works on (named by the out-of-memory message). */
    static void workload(String description) {
        workload = description;
    }

    /** The command tree wired to {@code context}. */
    public static CommandLine commandLine(CliContext context) {
        CommandLine cl = new CommandLine(new RopecheckCommand());
        cl.addSubcommand("compute", new ComputeCommand(context));
        cl.addSubcommand("make-instance", new MakeInstanceCommand());
        cl.addSubcommand("check", new CheckCommand(context));
        cl.addSubcommand("golden", new GoldenCommand(context));
        cl.addSubcommand("verify", new VerifyCommand(context));
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println(InputText.oneLine("ropecheck " + c.getCommandName() + ": " + ex.getMessage() + " (see: ropecheck "
                    + (c.getParent() == null ? "" : c.getCommandName() + " ") + "--help)"));
            c.getErr().flush();
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            String name = commandLine.getCommandName();
            java.io.PrintWriter err = commandLine.getErr();
            if (ex instanceof Unavailable) {
                err.println(InputText.oneLine("ropecheck " + name + ": " + ex.getMessage()));
                err.flush();
                return EXIT_UNAVAILABLE;
            }
            if (ex instanceof IllegalArgumentException) {
                err.println(InputText.oneLine("ropecheck " + name + ": " + ex.getMessage()));
                err.flush();
                return EXIT_USAGE;
            }
            if (ex instanceof UncheckedIOException || ex instanceof java.io.IOException) {
                Throwable c = ex instanceof UncheckedIOException ? ex.getCause() : ex;
                String m = c != null && c.getMessage() != null ? c.getMessage() : String.valueOf(ex.getMessage());
                err.println(InputText.oneLine("ropecheck " + name + ": " + m));
                err.flush();
                return EXIT_USAGE;
            }
            err.println(InputText.oneLine("ropecheck " + name + ": internal error: " + ex
                    + " (run with -Dropecheck.debug=true for the stack trace)"));
            if (Boolean.getBoolean("ropecheck.debug")) {
                ex.printStackTrace(new java.io.PrintWriter(commandLine.getErr(), true));
            }
            return EXIT_INTERNAL;
        });
        return cl;
    }

    /** No registered engine or bound can take this input (exit code 3). */
    public static final class Unavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Unavailable(String message) {
            super(message);
        }
    }
}
