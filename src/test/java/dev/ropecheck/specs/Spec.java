package dev.ropecheck.specs;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The {@code specs/} entries a test checks, by id (e.g. {@code @Spec("lemma-4.1-part-5")}). The
 * link runs both ways and {@link SpecsCoverageTest} keeps it so: every test an entry's {@code tests:}
 * line names carries that entry's id here, and every id here names an entry that lists the test.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Spec {
    /** The ids of the entries ({@code specs/<id>.md}). */
    String[] value();
}
