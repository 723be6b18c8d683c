package dev.cria.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** bin/jar-is-stale, which lets bin/serve skip Maven when nothing the jar is built from changed. */
class JarIsStaleTest {
    private static final Path SCRIPT = Path.of(System.getProperty("cria.testdata", "testdata")).getParent()
            .resolve("bin/jar-is-stale").toAbsolutePath();
    private static final Instant BUILT = Instant.parse("2026-01-02T00:00:00Z");

    @TempDir
    Path repo;

    @BeforeEach
    void aBuiltRepository() throws Exception {
        write("pom.xml", BUILT.minusSeconds(60));
        write("server/src/main/java/A.java", BUILT.minusSeconds(60));
        write("cli/target/cria.jar", BUILT);
    }

    private void write(String path, Instant modified) throws Exception {
        Path p = repo.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, path);
        Files.setLastModifiedTime(p, FileTime.from(modified));
        for (Path dir = p.getParent(); !dir.equals(repo); dir = dir.getParent()) {
            Files.setLastModifiedTime(dir, FileTime.from(modified));
        }
    }

    private boolean stale() throws Exception {
        Process p = new ProcessBuilder("bash", SCRIPT.toString(), "cli/target/cria.jar").directory(repo.toFile()).start();
        p.getInputStream().readAllBytes();
        return p.waitFor() == 0;
    }

    @Test
    void aJarNewerThanEverySourceAndPomIsUpToDate() throws Exception {
        assertThat(stale()).isFalse();
    }

    @Test
    void aChangedSourceResourceOrPomMakesItStale() throws Exception {
        write("server/src/main/resources/dev/cria/server/web/chat.js", BUILT.plusSeconds(1));
        assertThat(stale()).isTrue();

        aBuiltRepository();
        write("engine/pom.xml", BUILT.plusSeconds(1));
        assertThat(stale()).isTrue();
    }

    @Test
    void testsAndBuildOutputDoNotCount() throws Exception {
        write("server/src/test/java/ATest.java", BUILT.plusSeconds(1));
        write("server/target/classes/A.class", BUILT.plusSeconds(1));

        assertThat(stale()).isFalse();
    }

    @Test
    void aMissingJarIsStale() throws Exception {
        Files.delete(repo.resolve("cli/target/cria.jar"));

        assertThat(stale()).isTrue();
    }
}
