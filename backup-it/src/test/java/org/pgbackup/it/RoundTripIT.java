package org.pgbackup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dump, list, restore and restore-from-shared through the shaded jar, against two real
 * clusters with different users, passwords and databases; one service name has a hyphen.
 */
class RoundTripIT {
    static final String USERS_PASSWORD = "al!ce's p@ss \"$HOME\" `id` ; x";
    static final String SHOP_PASSWORD = "b0b-Secret#2";

    @RegisterExtension
    static ClusterExtension usersService = new ClusterExtension("user-db", "alice", USERS_PASSWORD, "users", 3000);
    @RegisterExtension
    static ClusterExtension shopService = new ClusterExtension("orders", "bob", SHOP_PASSWORD, "shop", 2000);
    static ControllerProcess controller = ControllerProcess.fromSystemProperty();

    PgCluster users;
    PgCluster shop;

    @TempDir
    Path root;

    @BeforeEach
    void clusters() {
        users = usersService.cluster();
        shop = shopService.cluster();
    }

    private Map<String, String> env() {
        Map<String, String> env = usersService.env(root);
        env.putAll(shop.serviceEnvironment("orders"));
        env.put("DATABASE_LIST", "user-db,orders");
        return env;
    }

    private ControllerProcess.Run ok(String... args) {
        return controller.ok(env(), args);
    }

    @Test
    void dumpAllWithSharedThenRestoreAndRestoreFromSharedGiveBackTheDumpedData() {
        String usersBefore = SampleData.fingerprint(users);
        String shopBefore = SampleData.fingerprint(shop);

        ControllerProcess.Run dump = ok("dump", "--all", "--shared");

        assertThat(dump.stdout().lines()).hasSize(2);
        String usersArchive = ok("list", "user-db").stdout().strip();
        String shopArchive = ok("list", "orders").stdout().strip();
        assertThat(usersArchive).matches("file_(daily|weekly|monthly)_\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\.dump\\.zst");
        assertThat(dump.stdout()).contains("user-db: " + usersArchive).contains("orders: " + shopArchive)
                .contains("stored in local, shared");
        assertThat(root.resolve("data/user-db").resolve(usersArchive)).isRegularFile();
        assertThat(root.resolve("data/orders").resolve(shopArchive)).isRegularFile();
        assertThat(root.resolve("shared/user-db/file.dump.zst")).isRegularFile()
                .hasSameBinaryContentAs(root.resolve("data/user-db").resolve(usersArchive));
        assertThat(root.resolve("shared/orders/file.dump.zst")).isRegularFile()
                .hasSameBinaryContentAs(root.resolve("data/orders").resolve(shopArchive));
        assertThat(Trees.snapshot(root).keySet()).noneMatch(p -> p.contains(".tmp-"));

        SampleData.damage(users);
        SampleData.damage(shop);
        assertThat(SampleData.fingerprint(users)).isNotEqualTo(usersBefore);

        ok("restore", "user-db", usersArchive);
        assertThat(SampleData.fingerprint(users)).isEqualTo(usersBefore);

        SampleData.damage(users);
        ControllerProcess.Run fromShared = ok("restore-from-shared", "--all");
        assertThat(fromShared.stdout().lines()).hasSize(2);
        assertThat(SampleData.fingerprint(users)).isEqualTo(usersBefore);
        assertThat(SampleData.fingerprint(shop)).isEqualTo(shopBefore);

        SampleData.damage(shop);
        ok("restore-from-shared", "orders");
        assertThat(SampleData.fingerprint(shop)).isEqualTo(shopBefore);
    }

    @Test
    void listIsNewestFirstAndTwoDumpsInOneSecondGetTwoNames() {
        ok("dump", "orders");
        ok("dump", "orders");
        ok("dump", "orders");

        List<String> names = ok("list", "orders").stdout().lines().toList();

        assertThat(names).hasSize(3).doesNotHaveDuplicates();
        assertThat(names).isSortedAccordingTo((a, b) -> b.compareTo(a));
        ControllerProcess.Run longList = ok("list", "--long", "orders");
        assertThat(longList.stdout().lines()).hasSize(3).allSatisfy(line -> assertThat(line)
                .matches("file_\\S+\\.dump\\.zst +\\d+\\.\\d (KiB|MiB) +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d [+-]\\d\\d:\\d\\d"
                        + " +local +(kept while newest|removed after \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d [+-]\\d\\d:\\d\\d)  sha256 [0-9a-f]{16} database shop@.*"));
        assertThat(longList.stdout().lines().toList().get(0)).contains("kept while newest");
        for (String name : names) {
            assertThat(longList.stdout().lines().filter(l -> l.startsWith(name + " ")))
                    .as("the digest list --long prints for " + name + ", against sha256sum of the stored file")
                    .singleElement().asString()
                    .contains("sha256 " + Sha256Sum.of(root.resolve("data/orders").resolve(name)).substring(0, 16));
        }
        assertThat(longList.stdout().lines().skip(1)).allSatisfy(l -> assertThat(l).contains("removed after"));
    }

    @Test
    void archivesArePrivateAndTheSharedTreeIsGroupReadable() {
        ok("dump", "user-db", "--shared");
        String archive = ok("list", "user-db").stdout().strip();

        assertThat(Trees.permissions(root.resolve("data/user-db").resolve(archive))).isEqualTo("rw-------");
        assertThat(Trees.permissions(root.resolve("data/user-db"))).isEqualTo("rwx------");
        assertThat(Trees.permissions(root.resolve("shared/user-db/file.dump.zst"))).isEqualTo("rw-r-----");
        assertThat(Trees.permissions(root.resolve("shared/user-db"))).isEqualTo("rwxr-x---");
    }

    @Test
    void anEmptyServiceListsNothingAndSaysSo() {
        ControllerProcess.Run run = ok("list", "user-db");
        assertThat(run.stdout()).isEmpty();
        assertThat(run.stderr()).contains("user-db: no archives");
        assertThat(Files.exists(root.resolve("data/user-db"))).isFalse();
    }
}
