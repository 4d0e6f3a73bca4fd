package org.pgbackup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * backup-core as a named module, {@code org.pgbackup.core}, for an embedder on the module
 * path: the published jars alone (the embedding example's run-time dependencies, as Maven
 * resolves them from the installed artifacts), a program of its own module that dumps and
 * restores through the API, and one that reaches into an internal package, which javac
 * refuses because the module does not export it.
 */
class ModulePathIT {
    /** The packages an embedder imports; the README's Layout lists the same. */
    static final Set<String> API = Set.of("org.pgbackup", "org.pgbackup.compression", "org.pgbackup.config",
            "org.pgbackup.controller", "org.pgbackup.encryption", "org.pgbackup.error", "org.pgbackup.hooks",
            "org.pgbackup.manifest", "org.pgbackup.naming", "org.pgbackup.notify", "org.pgbackup.retention",
            "org.pgbackup.schedule", "org.pgbackup.pitr");

    @RegisterExtension
    static ClusterExtension users = new ClusterExtension("users", "backup", "backup-pw", "users", 300);

    @TempDir
    Path dir;

    private static Path modulePath() {
        Path deps = Path.of(System.getProperty("embedding.example.dir", "missing")).resolve("target/dependency");
        assertThat(deps).as("the example project's dependencies, copied by its build").isDirectory();
        return deps;
    }

    private static String tool(String name) {
        return Path.of(System.getProperty("java.home"), "bin", name).toString();
    }

    private Path module(String name, String requires, String className, String source) throws IOException {
        Path root = dir.resolve(name);
        Files.createDirectories(root.resolve("example"));
        Files.writeString(root.resolve("module-info.java"), "module " + name + " { requires " + requires + "; }\n");
        Files.writeString(root.resolve("example/" + className + ".java"), source);
        return root;
    }

    private Exec.Result javac(Path module, Path out) throws IOException {
        List<String> command = new ArrayList<>(List.of(tool("javac"), "--module-path", modulePath().toString(), "-d",
                out.toString()));
        try (var files = Files.walk(module)) {
            files.filter(p -> p.toString().endsWith(".java")).map(Path::toString).forEach(command::add);
        }
        return Exec.run(new ProcessBuilder(command), null);
    }

    @Test
    void theJarExportsTheApiPackagesAndNoInternalOne() {
        ModuleReference core = ModuleFinder.of(modulePath()).find("org.pgbackup.core").orElseThrow();
        ModuleDescriptor descriptor = core.descriptor();
        assertThat(descriptor.isAutomatic()).isFalse();
        Set<String> exported = descriptor.exports().stream().map(ModuleDescriptor.Exports::source)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(exported).containsExactlyInAnyOrderElementsOf(API);
        assertThat(descriptor.packages()).contains("org.pgbackup.internal.operation", "org.pgbackup.internal.plugin",
                "org.pgbackup.internal.shaded.cronutils");
        assertThat(descriptor.opens()).isEmpty();
        assertThat(descriptor.uses()).contains("org.pgbackup.spi.StorageProvider");
        ModuleDescriptor spi = ModuleFinder.of(modulePath()).find("org.pgbackup.spi").orElseThrow().descriptor();
        assertThat(spi.isAutomatic()).isFalse();
        assertThat(spi.requires()).extracting(ModuleDescriptor.Requires::name).containsExactly("java.base");
    }

    @Test
    void aModularProgramDumpsAndRestoresThroughTheApiOnTheModulePath() throws IOException {
        String before = SampleData.fingerprint(users.cluster());
        Path source = module("example.modular", "org.pgbackup.core", "Main", """
                package example;

                import java.nio.file.Path;
                import java.time.Instant;
                import java.time.ZoneOffset;
                import org.pgbackup.PgBackup;
                import org.pgbackup.controller.BackupController;
                import org.pgbackup.controller.DumpResult;
                import org.pgbackup.controller.RestoreOptions;
                import org.pgbackup.schedule.Schedule;

                public final class Main {
                    public static void main(String[] args) throws Exception {
                        try (BackupController client = PgBackup.configure().backupRoot(Path.of(args[0]))
                                .service("users", s -> s.host(args[1]).port(Integer.parseInt(args[2])).user("backup")
                                        .password(System.getenv("USERS_PASSWORD").toCharArray()).database("users"))
                                .storage("local").load()) {
                            DumpResult dump = client.dump("users");
                            System.out.println("dumped " + dump.name().fileName());
                            String sha = client.restore("users", dump.name().fileName(), RestoreOptions.defaults())
                                    .verifiedSha256().orElseThrow();
                            System.out.println("restored sha256 " + sha);
                        }
                        System.out.println("in module " + BackupController.class.getModule().getName());
                        System.out.println("next run " + Schedule.parse("0 3 * * *", ZoneOffset.UTC).orElseThrow()
                                .next(Instant.parse("2026-01-01T12:00:00Z")));
                        Class<?> internal = Class.forName("org.pgbackup.internal.operation.ArchiveDigest");
                        try {
                            internal.getDeclaredConstructors()[0].setAccessible(true);
                            System.out.println("internal package open");
                        } catch (RuntimeException e) {
                            System.out.println("internal package closed: " + e.getClass().getSimpleName());
                        }
                    }
                }
                """);
        Path classes = dir.resolve("classes");
        Exec.Result compiled = javac(source, classes);
        assertThat(compiled.exitCode()).as(compiled.stdout() + compiled.stderr()).isZero();

        ProcessBuilder run = new ProcessBuilder(tool("java"), "--module-path",
                classes + java.io.File.pathSeparator + modulePath(), "--module", "example.modular/example.Main",
                dir.resolve("backup").toString(), users.cluster().host(), String.valueOf(users.cluster().port()));
        run.environment().put("USERS_PASSWORD", "backup-pw");
        Exec.Result ran = Exec.run(run, null);

        assertThat(ran.exitCode()).as(ran.stdout() + ran.stderr()).isZero();
        assertThat(ran.stdout()).contains("in module org.pgbackup.core", "next run 2026-01-02T03:00:00Z",
                "internal package closed: InaccessibleObjectException");
        List<Path> archives;
        try (var files = Files.list(dir.resolve("backup/data/users"))) {
            archives = files.filter(p -> p.getFileName().toString().endsWith(".dump.zst")).toList();
        }
        assertThat(archives).hasSize(1);
        Matcher sha = Pattern.compile("restored sha256 ([0-9a-f]+)").matcher(ran.stdout());
        assertThat(sha.find()).as(ran.stdout()).isTrue();
        assertThat(sha.group(1)).isEqualTo(Sha256Sum.of(archives.get(0)));
        assertThat(SampleData.fingerprint(users.cluster())).isEqualTo(before);
        assertThat(ran.stderr()).doesNotContain("SLF4J").doesNotContain("WARN");
    }

    @Test
    void javacRefusesAnImportOfAnInternalPackage() throws IOException {
        Path source = module("example.sneaky", "org.pgbackup.core", "Sneaky", """
                package example;

                import org.pgbackup.internal.operation.ArchiveDigest;

                public final class Sneaky {
                    Class<?> reach() {
                        return ArchiveDigest.class;
                    }
                }
                """);
        Exec.Result compiled = javac(source, dir.resolve("sneaky"));

        assertThat(compiled.exitCode()).isNotZero();
        assertThat(compiled.stdout() + compiled.stderr()).contains(
                "package org.pgbackup.internal.operation is declared in module org.pgbackup.core,"
                        + " which does not export it");
    }
}
