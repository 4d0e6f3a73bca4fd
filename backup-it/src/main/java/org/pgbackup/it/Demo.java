package org.pgbackup.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * The main job, end to end, on a throwaway cluster: fill a database, dump it, list the
 * archives, damage the data, restore, and prove the data came back. It runs the real
 * controller jar and removes everything it made.
 */
public final class Demo {
    private Demo() {
    }

    public static void main(String[] args) throws IOException {
        ControllerProcess controller = new ControllerProcess(Path.of(args.length > 0 ? args[0]
                : "backup-cli/target/controller.jar"));
        String password = HexFormat.of().formatHex(SecureRandom.getSeed(12));
        Path backupRoot = Files.createTempDirectory("pgbackup-demo-");
        say("Starting a throwaway PostgreSQL cluster from " + PgCluster.serverBinaries());
        try (PgCluster cluster = PgCluster.start("shop_owner", password, "shop")) {
            say("Cluster up on " + cluster.host() + ":" + cluster.port() + "; filling database 'shop' (5000 customers,"
                    + " 10000 orders, a view, a sequence)");
            SampleData.fill(cluster, 5000);
            String before = SampleData.fingerprint(cluster);

            Map<String, String> env = new HashMap<>(cluster.serviceEnvironment("shop"));
            env.put("DATABASE_LIST", "shop");
            env.put("BACKUP_ROOT", backupRoot.toString());

            ControllerProcess.Run dump = step(controller, env, "dump", "shop");
            String archive = dump.stdout().split(" ")[1];
            step(controller, env, "list", "--long", "shop");

            say("Damaging the data: deleting orders, renaming customers, redefining a view");
            SampleData.damage(cluster);
            if (SampleData.fingerprint(cluster).equals(before)) {
                throw new IllegalStateException("the damage did not change the data");
            }

            step(controller, env, "restore", "shop", archive);
            String after = SampleData.fingerprint(cluster);
            if (!after.equals(before)) {
                System.err.println("Restored data differs from the dumped data:\nbefore:\n" + before + "\nafter:\n" + after);
                System.exit(1);
            }
            say("Restored data equals the data dumped:\n  " + before.replace("\n", "\n  "));
            say("Cleaning up the cluster and " + backupRoot);
        } finally {
            PgCluster.deleteTree(backupRoot);
        }
        say("Demo finished: dump, list and restore worked against a real PostgreSQL server.");
    }

    private static ControllerProcess.Run step(ControllerProcess controller, Map<String, String> env, String... args) {
        say("$ controller " + String.join(" ", args));
        ControllerProcess.Run run = controller.run(env, args);
        System.out.print(run.stdout().indent(2));
        if (run.exitCode() != 0) {
            System.err.print(run.stderr());
            System.err.println("controller " + String.join(" ", args) + " exited with " + run.exitCode());
            System.exit(1);
        }
        return run;
    }

    private static void say(String line) {
        System.out.println("== " + line);
        System.out.flush();
    }
}
