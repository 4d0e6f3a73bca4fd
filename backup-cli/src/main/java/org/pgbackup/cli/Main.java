package org.pgbackup.cli;

import com.beust.jcommander.JCommander;
import com.beust.jcommander.ParameterException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.pgbackup.config.Configuration;
import org.pgbackup.controller.BackupController;
import org.pgbackup.error.BackupException;
import org.pgbackup.error.ConfigurationException;
import org.tinylog.Logger;

/**
 * The {@code controller} command line. It parses, hands the work to
 * {@link BackupController}, prints, and maps failures to exit codes in one place: 0 ok,
 * 1 the operation failed, 2 bad usage or configuration.
 */
public final class Main {
    /** Set when the JVM is shutting down: System.exit would then block for ever. */
    private volatile boolean shuttingDown;

    private Main() {
    }

    public static void main(String[] args) {
        Main main = new Main();
        Map<String, String> env = System.getenv();
        int status = main.execute(args, System.out, System.err, env, Terminal.standardError(env));
        if (args.length > 0 && args[0].equals("health") && status > 1) {
            // Docker reserves exit status 2 of a health check: anything wrong is unhealthy.
            status = 1;
        }
        System.out.flush();
        if (!main.shuttingDown) {
            System.exit(status);
        }
    }

    /**
     * Runs one command line.
     *
     * @param env the environment to read the configuration from
     * @return the exit status
     */
    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        return new Main().execute(args, out, err, env, false);
    }

    private int execute(String[] args, PrintStream out, PrintStream rawErr, Map<String, String> env,
            boolean terminal) {
        boolean json = "json".equalsIgnoreCase(String.valueOf(env.get("LOG_FORMAT")).trim());
        ErrorStream err = new ErrorStream(rawErr, json, terminal);
        Map<String, Command> commands = new LinkedHashMap<>();
        for (Command command : List.of(new StartCommand(), new DumpCommand(), new RestoreCommand(),
                new RestoreFromSharedCommand(), new ListCommand(), new ResetWalCommand(), new VerifyCommand(), new HealthCommand(),
                new DrillCommand(), new SyncCommand(), new BaseBackupCommand(), new RestorePitrCommand())) {
            commands.put(command.name(), command);
        }
        GlobalOptions global = new GlobalOptions();
        JCommander.Builder builder = JCommander.newBuilder().programName("controller").addObject(global);
        commands.values().forEach(builder::addCommand);
        JCommander jc = builder.build();
        try {
            jc.parse(args);
        } catch (ParameterException e) {
            String command = jc.getParsedCommand();
            err.println("error: " + oneLine(e.getMessage()) + ". See 'controller " + (command == null ? "" : command + " ")
                    + "--help'.");
            return BackupException.USAGE;
        }
        String name = jc.getParsedCommand();
        if (name == null) {
            overview(jc, commands, global.help ? out : err);
            return global.help ? 0 : BackupException.USAGE;
        }
        Command command = commands.get(name);
        if (command.help()) {
            usage(jc, name, out);
            return 0;
        }
        try {
            command.check();
        } catch (ParameterException e) {
            err.println("error: " + oneLine(e.getMessage()) + ". See 'controller " + name + " --help'.");
            return BackupException.USAGE;
        }
        try {
            Logging.configure(env.get("LOG_LEVEL"), env.get("LOG_FORMAT"), terminal);
            Configuration config = Configuration.from(env);
            Logger.debug("Using configuration {}", config.describe());
            try (BackupController controller = BackupController.open(config)) {
                return runStoppable(command, controller, out, err);
            }
        } catch (ConfigurationException e) {
            e.problems().forEach(err::error);
            return e.exitCode();
        } catch (BackupException e) {
            err.error(e.getMessage());
            return e.exitCode();
        } catch (RuntimeException e) {
            // A defect of ours, not the user's: say so in one line, with the trace in the debug log.
            Logger.debug(e, "Unexpected failure");
            err.error("unexpected failure (" + e + "); run with LOG_LEVEL=debug for details and please report it");
            return BackupException.OPERATION_FAILED;
        }
    }

    /**
     * Runs a command so that a stop signal lets it end cleanly: the JVM runs shutdown hooks
     * and then halts, so the hook itself waits for the command to clean up.
     */
    private int runStoppable(Command command, BackupController controller, PrintStream out, ErrorStream err) {
        Thread worker = Thread.currentThread();
        Thread hook = new Thread(() -> {
            shuttingDown = true;
            try {
                command.shutdown(controller, worker);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return command.run(controller, out, err);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // The hook is running and waits for this thread.
            }
        }
    }

    private static void usage(JCommander jc, String command, PrintStream to) {
        StringBuilder text = new StringBuilder();
        jc.getUsageFormatter().usage(command, text);
        to.print(text);
        to.flush();
    }

    /** The commands, one line each; JCommander's own overview repeats every command's options. */
    private static void overview(JCommander jc, Map<String, Command> commands, PrintStream to) {
        to.println("Usage: controller <command> [options]");
        to.println();
        to.println("Commands:");
        for (String name : commands.keySet()) {
            to.printf("  %-21s %s%n", name, jc.getUsageFormatter().getCommandDescription(name));
        }
        to.println();
        to.println("Run 'controller <command> --help' for a command's options. Configuration comes from environment");
        to.println("variables (DATABASE_LIST, MODE, BACKUP_TARGET, <SERVICE>_POSTGRES_*, ...): see README.md.");
        to.flush();
    }

    /** A message as one line, whatever a quoted tool's output held. */
    static String oneLine(String message) {
        return message == null ? "unknown error" : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    static String bytes(long size) {
        if (size < 1024) {
            return size + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = size;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
