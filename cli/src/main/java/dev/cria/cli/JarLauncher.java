package dev.cria.cli;

import java.lang.reflect.InvocationTargetException;

/**
 * The jar's {@code Main-Class}. Compiled for Java 8 (its own source folder, see cli/pom.xml) so
 * that an older {@code java -jar cria.jar} runs this class and prints one line saying what to
 * install, instead of an {@code UnsupportedClassVersionError} stack trace. On Java 25 or newer it
 * hands over to {@link Main}, named by reflection because Main's class file is Java 25's.
 */
public final class JarLauncher {
    static final int REQUIRED_JAVA = 25;

    private JarLauncher() {
    }

    public static void main(String[] args) throws Throwable {
        int feature = featureVersion(System.getProperty("java.specification.version"));
        if (feature < REQUIRED_JAVA) {
            System.err.println(tooOldMessage(feature, System.getProperty("java.home")));
            System.exit(1);
        }
        try {
            Class.forName("dev.cria.cli.Main").getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** The feature release in a {@code java.specification.version}: "1.8" is 8, "17" is 17. */
    static int featureVersion(String specificationVersion) {
        String v = specificationVersion.startsWith("1.") ? specificationVersion.substring(2) : specificationVersion;
        int dot = v.indexOf('.');
        try {
            return Integer.parseInt(dot < 0 ? v : v.substring(0, dot));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static String tooOldMessage(int feature, String javaHome) {
        return "cria: needs Java " + REQUIRED_JAVA + " or newer, but this is Java " + feature + " (" + javaHome
                + "); install a JDK " + REQUIRED_JAVA + " (e.g. Temurin " + REQUIRED_JAVA + ") and run the jar with its java.";
    }
}
