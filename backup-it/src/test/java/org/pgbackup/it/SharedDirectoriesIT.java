package org.pgbackup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code SERVER=production} creates the shared directories when any command starts. */
class SharedDirectoriesIT {
    static ControllerProcess controller = ControllerProcess.fromSystemProperty();

    @TempDir
    Path root;

    @Test
    void productionServerCreatesEveryServicesSharedDirectory() {
        ControllerProcess.Run run = controller.run(Map.of("DATABASE_LIST", "users,user-db2", "SERVER", "production",
                "BACKUP_ROOT", root.toString()), "list", "users");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(root.resolve("shared/users")).isDirectory();
        assertThat(root.resolve("shared/user-db2")).isDirectory();
        assertThat(Trees.permissions(root.resolve("shared/users"))).isEqualTo("rwxr-x---");
    }

    @Test
    void otherwiseNoSharedDirectoryIsCreated() {
        ControllerProcess.Run run = controller.run(Map.of("DATABASE_LIST", "users", "BACKUP_ROOT", root.toString()),
                "list", "users");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(root.resolve("shared")).doesNotExist();
    }
}
