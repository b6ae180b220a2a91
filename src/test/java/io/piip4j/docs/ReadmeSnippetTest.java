package io.piip4j.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "library in ten lines" snippet, exactly as printed (its imports included), compiles
 * against the library as built and runs from the repository root: a moved class, a renamed method
 * or a missing example file breaks this test, not the first reader's copy-paste.
 */
class ReadmeSnippetTest {

    @Test
    void libraryInTenLinesCompilesAndRuns(@TempDir Path dir) throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        Matcher m = Pattern.compile("## The library in ten lines\\s+```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(m.find(), "README.md has a java block under 'The library in ten lines'");
        List<String> lines = m.group(1).lines().toList();
        String imports = lines.stream().filter(l -> l.startsWith("import ")).collect(Collectors.joining("\n"));
        String body = lines.stream().filter(l -> !l.startsWith("import ")).collect(Collectors.joining("\n"));
        String source = imports + "\npublic class Snippet {\n  public static void run() throws Exception {\n" + body + "\n  }\n}\n";
        Path file = dir.resolve("Snippet.java");
        Files.writeString(file, source);
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter errors = new StringWriter();
        boolean ok = javac.getTask(errors, null, null, List.of("-classpath", classpath, "-d", dir.toString(), "-proc:none"), null,
                javac.getStandardFileManager(null, null, null).getJavaFileObjects(file.toFile())).call();
        assertTrue(ok, "the README snippet does not compile:\n" + errors + "\n" + source);

        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            Method run = loader.loadClass("Snippet").getMethod("run");
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            run.invoke(null);
        } finally {
            System.setOut(stdout);
        }
        List<String> out = printed.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(5, out.size(), "five classes printed:\n" + out);
        assertTrue(out.stream().allMatch(l -> l.matches("\\d\\.\\d{3} \\S.*")), out.toString());
    }
}
