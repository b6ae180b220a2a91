package io.piip4j.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The golden folders a test class checks against the reference, as globs over their paths under
 * {@code ../shared/golden} ({@code "cls*"}, {@code "init/init_beit_*"},
 * {@code "checkpoints/views.pth"}); the class takes its cases from {@link Golden#claimed}, so what
 * it declares is what it runs. {@code GoldenCoverageTest} fails on any golden folder that no class
 * claims and that is not pending.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface RunsGolden {
    /** Globs of the folders (or checkpoint files) the class runs. */
    String[] value();

    /** Globs of folders matched by {@link #value()} that the class does not run (they must be pending). */
    String[] except() default {};
}
