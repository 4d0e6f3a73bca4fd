package org.pgbackup.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.pgbackup.controller.BackupController;
import org.pgbackup.pitr.PitrRestoreOptions;
import org.pgbackup.pitr.PitrRestoreResult;

@Parameters(commandNames = "restore-pitr", commandDescription = "Restore a service's server as it was at a moment"
        + " (--to) or as far as its WAL archive goes (--latest) into a data directory that PostgreSQL recovers on"
        + " by itself: <SERVICE>_PGDATA unless --into")
final class RestorePitrCommand extends OneServiceCommand {
    @Parameter(names = "--to", description = "The moment, with its zone: 2026-12-06T10:15:30Z,"
            + " '2026-12-06 11:15:30.5+01:00'")
    private String to;

    @Parameter(names = "--latest", description = "As far as the archive goes")
    private boolean latest;

    @Parameter(names = "--into", description = "The directory to write (default: the service's data directory)")
    private String into;

    @Parameter(names = "--yes", description = "If the directory is not empty, move its contents aside first")
    private boolean yes;

    @Parameter(names = "--start", description = "Start a server on it with the local PostgreSQL programs, wait"
            + " for it to recover and promote, and print the last transaction it replayed")
    private boolean start;

    @Override
    void validate() {
        super.validate();
        if ((to == null) == !latest) {
            throw usage("Give either --to <time with zone> or --latest");
        }
        if (to != null) {
            target(to);
        }
    }

    /** A moment as the user wrote it; one without a zone is refused, not guessed. */
    static Instant target(String text) {
        String iso = text.strip().replaceFirst("^(\\d{4}-\\d{2}-\\d{2}) ", "$1T").replaceFirst("([+-]\\d{2})$", "$1:00");
        try {
            return OffsetDateTime.parse(iso).toInstant();
        } catch (DateTimeParseException e) {
            try {
                LocalDateTime.parse(iso);
            } catch (DateTimeParseException notEvenLocal) {
                throw usage("Invalid --to " + text + ": give a time such as 2026-12-06T10:15:30Z or"
                        + " '2026-12-06 11:15:30+01:00'");
            }
            throw usage("--to " + text + " has no zone: add one, such as Z or +01:00, so that it names one moment");
        }
    }

    @Override
    int run(BackupController controller, PrintStream out, ErrorStream err) {
        String service = service();
        PitrRestoreOptions options = new PitrRestoreOptions(Optional.ofNullable(to).map(RestorePitrCommand::target),
                Optional.ofNullable(into).map(Path::of), yes, start);
        PitrRestoreResult result = controller.pointInTimeRecovery().restore(service, options, err.progress());
        result.movedAside().ifPresent(aside -> out.println(service + ": moved the directory's earlier contents to "
                + aside));
        out.println(service + ": restored base backup " + result.baseBackup().name() + " and " + result.walFiles()
                + " WAL file(s) from " + result.destination() + " into " + result.directory() + ", to recover to "
                + result.target().map(Instant::toString).orElse("the end of the archive"));
        if (result.started().isPresent()) {
            PitrRestoreResult.StartedServer server = result.started().get();
            out.println(service + ": the server recovered and promoted; it runs on localhost port " + server.port()
                    + "; last replayed transaction: " + server.lastReplayed().orElse("none") + " (log: "
                    + server.log() + "; stop it with pg_ctl -D " + result.directory() + " stop)");
        } else {
            out.println(service + ": next, start PostgreSQL on " + result.directory() + " (the same major as the"
                    + " backup): it recovers to the target and promotes by itself");
        }
        return 0;
    }
}
