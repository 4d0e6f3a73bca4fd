package org.example.conflicting;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pgbackup.spi.Settings;
import org.pgbackup.spi.Storage;
import org.pgbackup.spi.StorageContext;
import org.pgbackup.spi.StorageProvider;

/**
 * {@code BACKUP_TARGET=conflicting}, {@code CONFLICTING_PATH=/dir}: a directory per service.
 * On creation it writes {@code plugin-environment.properties}: which Jackson and slf4j it
 * sees, through which class loader, and whether the controller's own classes are visible.
 */
public final class ConflictingStorageProvider implements StorageProvider {
    static final String PATH = "CONFLICTING_PATH";

    @Override
    public String id() {
        return "conflicting";
    }

    @Override
    public Set<String> settings() {
        return Set.of(PATH);
    }

    @Override
    public List<String> validate(Map<String, String> settings) {
        List<String> problems = new ArrayList<>();
        new Settings(settings, problems).text(PATH).orElseGet(() -> {
            problems.add(PATH + " is empty: set it to a directory");
            return null;
        });
        return problems;
    }

    @Override
    public Storage create(StorageContext context) {
        Path root = Path.of(context.settings().get(PATH));
        try {
            Files.createDirectories(root);
            Files.writeString(root.resolve("plugin-environment.properties"), environment());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ConflictingStorage(root);
    }

    private static String environment() {
        StringBuilder out = new StringBuilder();
        out.append("jackson.version=").append(com.fasterxml.jackson.core.json.PackageVersion.VERSION).append('\n');
        out.append("jackson.loader=").append(com.fasterxml.jackson.core.JsonFactory.class.getClassLoader().getName())
                .append('\n');
        out.append("slf4j.version=").append(org.slf4j.LoggerFactory.class.getPackage().getImplementationVersion())
                .append('\n');
        out.append("slf4j.loader=").append(org.slf4j.LoggerFactory.class.getClassLoader().getName()).append('\n');
        out.append("spi.visible=").append(visible("org.pgbackup.spi.Storage")).append('\n');
        out.append("controller.visible=").append(visible("org.pgbackup.controller.BackupController")).append('\n');
        out.append("tinylog.visible=").append(visible("org.tinylog.Logger")).append('\n');
        return out.toString();
    }

    private static boolean visible(String className) {
        try {
            Class.forName(className, false, ConflictingStorageProvider.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
