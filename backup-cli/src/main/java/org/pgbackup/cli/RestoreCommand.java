package org.pgbackup.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import com.beust.jcommander.ParametersDelegate;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.pgbackup.controller.BackupController;
import org.pgbackup.controller.RestoreOptions;
import org.pgbackup.controller.RestoreResult;

@Parameters(commandNames = "restore", commandDescription = "Restore an archive of a service into its database, in"
        + " one transaction: a restore that fails changes nothing (unless --jobs is given)")
final class RestoreCommand extends Command {
    @Parameter(description = "<service> <archive name, as 'list' prints it; for a whole-server service"
            + " <database>/<archive>, or */<archive> for every database of that run>")
    private List<String> arguments = new ArrayList<>();

    @ParametersDelegate
    private RestoreFlags flags = new RestoreFlags();

    @Parameter(names = "--from", description = "Read the archive from this destination of BACKUP_TARGET only, such as"
            + " s3:offsite (by default: the local volume first, then the others in BACKUP_TARGET order)")
    private String from;

    @Override
    void validate() {
        if (arguments.size() != 2) {
            throw usage("Give a service and an archive name, such as: restore users"
                    + " file_daily_2025-07-04T09:00:00Z.dump.zst");
        }
    }

    @Override
    List<String> arguments() {
        return arguments;
    }

    @Override
    int run(BackupController controller, PrintStream out, ErrorStream err) {
        RestoreOptions options = flags.options(err);
        RestoreResult result = controller.restore(arguments.get(0), arguments.get(1),
                from == null ? options : options.from(from));
        RestoreFlags.print(arguments.get(0), result, from == null ? "" : " from " + from, out);
        return 0;
    }
}
