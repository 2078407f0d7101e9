package dev.ropecheck.cli;

import java.io.UncheckedIOException;
import picocli.CommandLine;

/**
 * Entry point of {@code java -jar target/ropecheck.jar}. Exit codes: 0 success, 1 a check or
 * verification failed, 2 bad input or usage (one message on stderr, never a stack trace),
 * 3 a needed engine or bound is not available, 70 an internal error.
 */
public final class Main {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_UNAVAILABLE = 3;
    public static final int EXIT_INTERNAL = 70;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(commandLine(CliContext.standard()).execute(args));
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
            c.getErr().println("ropecheck " + c.getCommandName() + ": " + ex.getMessage() + " (see: ropecheck "
                    + (c.getParent() == null ? "" : c.getCommandName() + " ") + "--help)");
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            String name = commandLine.getCommandName();
            if (ex instanceof Unavailable) {
                commandLine.getErr().println("ropecheck " + name + ": " + ex.getMessage());
                return EXIT_UNAVAILABLE;
            }
            if (ex instanceof IllegalArgumentException) {
                commandLine.getErr().println("ropecheck " + name + ": " + ex.getMessage());
                return EXIT_USAGE;
            }
            if (ex instanceof UncheckedIOException) {
                String m = ex.getCause() != null && ex.getCause().getMessage() != null ? ex.getCause().getMessage()
                        : ex.getMessage();
                commandLine.getErr().println("ropecheck " + name + ": " + m);
                return EXIT_USAGE;
            }
            commandLine.getErr().println("ropecheck " + name + ": internal error: " + ex
                    + " (run with -Dropecheck.debug=true for the stack trace)");
            if (Boolean.getBoolean("ropecheck.debug")) {
                ex.printStackTrace(new java.io.PrintWriter(commandLine.getErr(), true));
            }
            return EXIT_INTERNAL;
        });
        return cl;
    }

    /** A needed engine or bound is not in this build (exit code 3). */
    public static final class Unavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Unavailable(String message) {
            super(message);
        }
    }
}
