package dev.cria.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@code java -jar cria.jar} says on a Java older than 25 (the jar's Main-Class is compiled for Java 8). */
class JarLauncherTest {

    @Test
    void readsTheFeatureReleaseOfOldAndNewVersionStrings() {
        assertThat(JarLauncher.featureVersion("1.8")).isEqualTo(8);
        assertThat(JarLauncher.featureVersion("17")).isEqualTo(17);
        assertThat(JarLauncher.featureVersion("25")).isEqualTo(25);
        assertThat(JarLauncher.featureVersion("26.0.1")).isEqualTo(26);
    }

    @Test
    void anOlderJavaIsToldInOneLineWhatToInstall() {
        String message = JarLauncher.tooOldMessage(17, "/usr/lib/jvm/java-17");

        assertThat(message).doesNotContain("\n")
                .contains("needs Java 25 or newer").contains("this is Java 17").contains("/usr/lib/jvm/java-17")
                .contains("install a JDK 25");
    }
}
