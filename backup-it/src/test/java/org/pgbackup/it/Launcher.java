package org.pgbackup.it;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code ./controller} launcher as the image runs it: the built jar, the jars of a
 * plugins directory on the class path, and the launcher's own JVM flags. Variables of the
 * test's own environment that could leak into the controller's are removed.
 */
final class Launcher {
    private Launcher() {
    }

    static Exec.Result run(Path plugins, Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(ContainerFilesIT.ROOT.resolve("controller").toString()));
        command.addAll(List.of(args));
        return runCommand(command, plugins, env);
    }

    /** Any command that runs the launcher, such as {@code script} giving it a terminal. */
    static Exec.Result runCommand(List<String> command, Path plugins, Map<String, String> env) throws IOException {
        return Exec.run(builder(command, plugins, env), null);
    }

    /** The process of a command that runs the launcher, not started, for a caller that runs it in the background. */
    static ProcessBuilder builder(List<String> command, Path plugins, Map<String, String> env) {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(k -> k.contains("POSTGRES") || k.startsWith("S3_"));
        builder.environment().remove("JAVA_OPTS");
        builder.environment().put("CONTROLLER_JAR", ControllerProcess.jarPath().toString());
        builder.environment().put("CONTROLLER_PLUGINS", plugins.toString());
        builder.environment().putAll(env);
        return builder;
    }
}
