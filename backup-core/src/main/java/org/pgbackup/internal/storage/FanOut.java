package org.pgbackup.internal.storage;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pgbackup.spi.PendingObject;

/**
 * One stream written to several destinations at once. A destination that fails is
 * dropped (its write aborted) while the others go on, because one broken destination
 * must not cost the archive in the others; only when every destination has failed does
 * writing fail.
 */
public final class FanOut extends OutputStream {
    private final Map<String, PendingObject> live = new LinkedHashMap<>();
    private final Map<String, String> failures = new LinkedHashMap<>();

    /** @param objects the pending objects, by the name of their destination */
    public FanOut(Map<String, PendingObject> objects) {
        live.putAll(objects);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        for (Map.Entry<String, PendingObject> entry : new ArrayList<>(live.entrySet())) {
            try {
                entry.getValue().output().write(bytes, offset, length);
            } catch (IOException | RuntimeException e) {
                fail(entry.getKey(), e);
            }
        }
        if (live.isEmpty()) {
            throw new IOException("Every destination failed: " + failures);
        }
    }

    /**
     * Commits every destination still writing. A commit that fails is recorded like a
     * failed write.
     *
     * @return the destinations that now hold the object
     */
    public List<String> commit() {
        List<String> committed = new ArrayList<>();
        for (Map.Entry<String, PendingObject> entry : new ArrayList<>(live.entrySet())) {
            try {
                entry.getValue().output().flush();
                entry.getValue().commit();
                committed.add(entry.getKey());
            } catch (IOException | RuntimeException e) {
                fail(entry.getKey(), e);
            }
        }
        live.clear();
        return committed;
    }

    /** Aborts every destination not yet committed. */
    @Override
    public void close() {
        live.values().forEach(PendingObject::close);
        live.clear();
    }

    /** Why each failed destination failed, by destination. */
    public Map<String, String> failures() {
        return Map.copyOf(failures);
    }

    private void fail(String destination, Exception e) {
        PendingObject object = live.remove(destination);
        object.close();
        failures.put(destination, e.getMessage() == null ? e.toString() : e.getMessage());
    }
}
