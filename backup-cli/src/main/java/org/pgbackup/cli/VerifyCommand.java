package org.pgbackup.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.pgbackup.controller.ArchiveInfo;
import org.pgbackup.controller.BackupController;
import org.pgbackup.controller.VerifyResult;

@Parameters(commandNames = "verify", commandDescription = "Read archives in full and check them: checksum and size"
        + " against the manifest, and pg_restore reading every block. Default: the newest archive")
final class VerifyCommand extends Command {
    @Parameter(description = "<service> [<archive name>]")
    private List<String> arguments = new ArrayList<>();

    @Parameter(names = "--all", description = "Verify every archive of the service")
    private boolean all;

    @Override
    List<String> arguments() {
        return arguments;
    }

    @Override
    void validate() {
        if (arguments.isEmpty() || arguments.size() > 2 || (all && arguments.size() == 2)) {
            throw usage("Give a service, and an archive name or --all (neither: the newest archive)");
        }
    }

    @Override
    int run(BackupController controller, PrintStream out, ErrorStream err) {
        String service = arguments.get(0);
        String archive = arguments.size() == 2 ? arguments.get(1) : null;
        if (archive == null && !all) {
            List<ArchiveInfo> archives = controller.list(service).archives();
            if (archives.isEmpty()) {
                err.error(service + ": no archives to verify");
                return 1;
            }
            archive = archives.get(0).name().fileName();
        }
        int status = 0;
        for (VerifyResult result : controller.verify(service, archive, err.progress())) {
            if (result.ok() && !result.contentRead()) {
                out.println(service + ": " + result.archive() + " in " + result.destination() + ": ok (sha256 "
                        + result.manifest().orElseThrow().sha256() + " matches; encrypted, so its content was not"
                        + " read: set AGE_IDENTITY_FILE to read it in full)");
            } else if (result.ok()) {
                out.println(service + ": " + result.archive() + " in " + result.destination() + ": ok (sha256 "
                        + result.manifest().orElseThrow().sha256() + ")");
            } else {
                out.println(service + ": " + result.archive() + " in " + result.destination() + ": FAILED: "
                        + Main.oneLine(result.problem()));
                status = 1;
            }
        }
        return status;
    }
}
