package dev.ropecheck.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The root command; prints usage when called without a subcommand. */
@Command(name = "ropecheck", mixinStandardHelpOptions = true, version = "ropecheck 0.1.0",
        description = "Verification harness for RoPE attention (forward and gradient): compute, compare, "
                + "generate instances, build the golden corpus and run the lemma-by-lemma report.")
final class RopecheckCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }
}
