package io.piip4j.docs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "library in ten lines" snippet compiles against the library as built: a moved or
 * renamed class breaks this test, not the first reader's copy-paste. It is compiled, not run (it
 * names a checkpoint and an image that are not here).
 */
class ReadmeSnippetTest {

    private static final String IMPORTS = """
            import io.piip4j.predict.Classification;
            import io.piip4j.predict.ImageClassifier;
            import io.piip4j.predict.PiipModel;
            import io.piip4j.tensor.NdArray;
            import io.piip4j.zoo.Zoo;
            import java.nio.file.Path;
            import java.util.List;
            """;

    @Test
    void libraryInTenLinesCompiles(@TempDir Path dir) throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        Matcher m = Pattern.compile("## The library in ten lines\\s+```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(m.find(), "README.md has a java block under 'The library in ten lines'");
        String source = IMPORTS + "class Snippet {\n  static void run(float[] pixels) throws Exception {\n"
                + m.group(1) + "  }\n}\n";
        Path file = dir.resolve("Snippet.java");
        Files.writeString(file, source);
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter errors = new StringWriter();
        boolean ok = javac.getTask(errors, null, null,
                List.of("-classpath", classpath, "-d", dir.toString(), "-proc:none"), null,
                javac.getStandardFileManager(null, null, null).getJavaFileObjects(file.toFile())).call();
        assertTrue(ok, "the README snippet does not compile:\n" + errors + "\n" + source);
        assertTrue(new File(dir.toFile(), "Snippet.class").exists());
    }
}
