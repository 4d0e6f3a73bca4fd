package org.example.pgbackup.flatdir;

import java.nio.file.InvalidPathException;
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
 * {@code BACKUP_TARGET=flat-dir}: every archive of every service in one directory,
 * {@code FLAT_DIR_PATH}. It reads only its own {@code FLAT_DIR_*} settings, which is all the
 * controller hands it.
 */
public final class FlatDirStorageProvider implements StorageProvider {
    static final String PATH = "FLAT_DIR_PATH";

    @Override
    public String id() {
        return "flat-dir";
    }

    @Override
    public Set<String> settings() {
        return Set.of(PATH);
    }

    @Override
    public List<String> validate(Map<String, String> settings) {
        List<String> problems = new ArrayList<>();
        directory(settings, problems);
        return problems;
    }

    @Override
    public Storage create(StorageContext context) {
        List<String> problems = new ArrayList<>();
        Path directory = directory(context.settings(), problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return new FlatDirStorage(directory, context.filePermissions());
    }

    private static Path directory(Map<String, String> settings, List<String> problems) {
        Settings reader = new Settings(settings, problems);
        String value = reader.text(PATH).orElse(null);
        if (value == null) {
            reader.problem(PATH + " is empty: set it to the directory that receives the archives"
                    + " (BACKUP_TARGET includes flat-dir)");
            return null;
        }
        try {
            Path path = Path.of(value);
            if (path.isAbsolute()) {
                return path;
            }
        } catch (InvalidPathException e) {
            // Reported below.
        }
        reader.invalid(PATH, "an absolute directory path", value);
        return null;
    }
}
