package org.pgbackup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Roles saved beside each archive bring owners and grants back on a fresh server. */
class RolesIT {
    @RegisterExtension
    static ClusterExtension source = new ClusterExtension("app", "liam", "liam-pw", "app", 300);
    @RegisterExtension
    static ClusterExtension fresh = new ClusterExtension("app", "mona", "mona-pw", "app", 0);
    static ControllerProcess controller = ControllerProcess.fromSystemProperty();

    @TempDir
    Path root;

    @Test
    void rolesAppliedBeforeARestoreOntoAFreshServerBringGrantsBack() {
        source.cluster().psql("CREATE ROLE reporting NOLOGIN; GRANT SELECT ON customers TO reporting;"
                + " CREATE ROLE app_owner NOLOGIN; ALTER TABLE sales.orders OWNER TO app_owner;");
        String before = SampleData.fingerprint(source.cluster());
        ControllerProcess.Run dump = controller.run(source.env(root), "dump", "app");
        assertThat(dump.exitCode()).as(dump.toString()).isZero();
        String archive = dump.stdout().split(" ")[1];
        Map<String, String> toFresh = fresh.env(root);

        ControllerProcess.Run withoutRoles = controller.run(toFresh, "restore", "app", archive);

        assertThat(withoutRoles.exitCode()).as("a fresh server lacks the roles: " + withoutRoles).isEqualTo(1);
        assertThat(withoutRoles.errorLines()).singleElement().asString().contains("does not exist")
                .containsPattern("The archive names role '(liam|app_owner|reporting)', which this server lacks: restore"
                        + " with --with-roles \\(RestoreOptions.withRoles\\(\\)\\) to create the roles saved beside"
                        + " the archive first, or with --no-owner \\(RestoreOptions.withoutOwners\\(\\)\\)");
        assertThat(fresh.cluster().psql("SELECT count(*) FROM pg_tables WHERE tablename = 'customers'")).isEqualTo("0");

        ControllerProcess.Run withoutOwners = controller.run(toFresh, "restore", "app", archive, "--no-owner");

        assertThat(withoutOwners.exitCode()).as("the other fix the message names: " + withoutOwners).isZero();
        assertThat(SampleData.fingerprint(fresh.cluster())).isEqualTo(before);
        assertThat(fresh.cluster().psql("SELECT tableowner FROM pg_tables WHERE tablename = 'orders'"))
                .isEqualTo("mona");

        ControllerProcess.Run withRoles = controller.run(toFresh, "restore", "app", archive, "--with-roles");

        assertThat(withRoles.exitCode()).as(withRoles.toString()).isZero();
        assertThat(SampleData.fingerprint(fresh.cluster())).isEqualTo(before);
        assertThat(fresh.cluster().psql("SELECT has_table_privilege('reporting', 'customers', 'SELECT')"))
                .isEqualTo("t");
        assertThat(fresh.cluster().psql("SELECT tableowner FROM pg_tables WHERE tablename = 'orders'"))
                .isEqualTo("app_owner");
    }

    @Test
    void theRolesSidecarKeepsPasswordHashesUnlessRolePasswordsIsFalse() throws Exception {
        source.cluster().psql("CREATE ROLE webapp LOGIN PASSWORD 'webapp-secret'");
        String hash = source.cluster().psql("SELECT rolpassword FROM pg_authid WHERE rolname = 'webapp'");
        assertThat(hash).startsWith("SCRAM-SHA-256$");
        Map<String, String> env = source.env(root);

        String withHashes = controller.ok(env, "dump", "app").stdout().split(" ")[1];
        env.put("ROLE_PASSWORDS", "false");
        String withoutHashes = controller.ok(env, "dump", "app").stdout().split(" ")[1];

        String kept = Files.readString(root.resolve("data/app").resolve(withHashes + ".roles.sql"));
        String left = Files.readString(root.resolve("data/app").resolve(withoutHashes + ".roles.sql"));
        assertThat(kept).contains("CREATE ROLE webapp;").contains(hash);
        assertThat(left).contains("CREATE ROLE webapp;").doesNotContain(hash).doesNotContain("SCRAM-SHA-256$");
    }
}
