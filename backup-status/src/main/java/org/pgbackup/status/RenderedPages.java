package org.pgbackup.status;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The pages every reader sees alike (the overview in each filter and order, the services of
 * the API), kept for a second once drawn: many readers, or one dashboard refreshing hard,
 * cost one drawing a second, not one each, and take nothing from a dump running beside
 * them. Keys are a fixed few, so the cache cannot be grown from outside.
 */
final class RenderedPages {
    private static final long KEPT_NANOS = 1_000_000_000L;

    /** A page drawn, plain and gzipped (the same array when too small to be worth it). */
    record Page(long drawnAt, byte[] plain, byte[] gzip) {
    }

    private final LongSupplier nanos;
    private final Map<String, Page> pages = new ConcurrentHashMap<>();

    RenderedPages(LongSupplier nanos) {
        this.nanos = nanos;
    }

    /** The page under this key, drawn again when it is over a second old. */
    Page get(String key, Supplier<byte[]> draw) {
        long now = nanos.getAsLong();
        Page page = pages.get(key);
        if (page != null && now - page.drawnAt() < KEPT_NANOS) {
            return page;
        }
        // Two threads may both draw one page at the turn of a second; the cost is one extra drawing.
        byte[] plain = draw.get();
        Page drawn = new Page(now, plain, StatusServer.gzip(plain));
        pages.put(key, drawn);
        return drawn;
    }
}
