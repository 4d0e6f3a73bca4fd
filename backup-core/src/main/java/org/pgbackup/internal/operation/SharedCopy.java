package org.pgbackup.internal.operation;

import java.io.IOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.pgbackup.compression.ArchiveForm;
import org.pgbackup.controller.BackupController;
import org.pgbackup.naming.BackupName;
import org.pgbackup.naming.Sidecar;
import org.pgbackup.spi.Storage;
import org.pgbackup.spi.StoredObject;
import org.tinylog.Logger;

/**
 * The shared copy of a service or of one database: {@code file.dump} or
 * {@code file.dump.zst}, one at a time, in the shared directory.
 */
public final class SharedCopy {
    private SharedCopy() {
    }

    /** An archive's file name in a destination: its name, or {@code file.dump[.zst]} in the shared directory. */
    static String fileIn(String destination, BackupName name) {
        return BackupController.SHARED.equals(destination) ? BackupController.sharedFile(name.form())
                : name.fileName();
    }

    /**
     * The shared copy of a directory. Should both forms exist (a dump that stopped between
     * writing one and removing the other), the newer.
     */
    static Optional<String> newest(Storage shared, String directory) {
        List<StoredObject> copies = OperationContext.listing(shared, directory).stream()
                .filter(o -> Arrays.stream(ArchiveForm.values())
                        .anyMatch(f -> o.name().equals(BackupController.sharedFile(f))))
                .sorted(Comparator.comparing(StoredObject::modified).reversed())
                .toList();
        if (copies.size() > 1) {
            Logger.warn("{}: the shared directory holds both {} and {}; restoring the newer, {}", directory,
                    copies.get(0).name(), copies.get(1).name(), copies.get(0).name());
        }
        return copies.stream().findFirst().map(StoredObject::name);
    }

    /**
     * Removes the shared copy in the other form once the new one is complete, so that the
     * shared directory holds one copy.
     */
    static void removeOtherForm(Storage shared, String directory, ArchiveForm kept) {
        for (ArchiveForm form : ArchiveForm.values()) {
            if (form == kept) {
                continue;
            }
            String other = BackupController.sharedFile(form);
            try {
                shared.delete(directory, Sidecar.MANIFEST.of(other));
                shared.delete(directory, other);
                shared.delete(directory, Sidecar.ROLES.of(other));
            } catch (IOException e) {
                Logger.warn("{}: the shared directory keeps an older {} beside the new {}: {}", directory, other,
                        BackupController.sharedFile(kept), e.getMessage());
            }
        }
    }
}
