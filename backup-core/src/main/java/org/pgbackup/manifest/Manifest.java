package org.pgbackup.manifest;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pgbackup.config.TableSelection;

/**
 * What an archive is, written beside it once it is complete: the SHA-256 and size of the
 * stored bytes, where it came from, and how it was made. A manifest never holds a secret.
 *
 * @param archive the archive's file name
 * @param sha256 the lower-case hex SHA-256 of the stored bytes
 * @param size the number of stored bytes
 * @param service the service of {@code DATABASE_LIST}
 * @param database the database dumped
 * @param host the server's {@code host:port}
 * @param serverVersion the server's version
 * @param pgDumpVersion the version of the {@code pg_dump} that wrote it
 * @param format the archive format, {@code custom}
 * @param compression {@code BACKUP_COMPRESSION} at the time of the dump, such as {@code zstd:3}
 * @param startedAt when the dump started
 * @param finishedAt when the last byte was stored
 * @param encryption {@code age} when the stored bytes are encrypted, else {@code none}; the
 *     SHA-256 and size are then those of the encrypted bytes
 * @param recipients the age recipients' public keys; empty when not encrypted
 * @param tables the part of the database dumped ({@code <PREFIX>_EXCLUDE_TABLES} and the like)
 * @param rowCounts each table's rows in the dump's snapshot, for restore drills; empty when
 *     not counted ({@code DRILL_COUNT_ROWS=false}, or counting failed)
 * @param owner the role that owned the database, recorded by whole-server runs so that a
 *     restore can create a database that is gone with its owner; empty otherwise
 *
 * <p>Immutable, and so safe to share between threads.
 */
public record Manifest(String archive, String sha256, long size, String service, String database, String host,
        String serverVersion, String pgDumpVersion, String format, String compression, Instant startedAt,
        Instant finishedAt, String encryption, List<String> recipients, TableSelection tables,
        Optional<List<TableRows>> rowCounts, Optional<String> owner) {

    /** The version of this manifest's layout, written as {@code manifestVersion}. */
    public static final int VERSION = 1;
    private static final JsonFactory JSON = new JsonFactory();

    public Manifest {
        requireNonNull(archive, "archive is null");
        requireNonNull(sha256, "sha256 is null");
        requireNonNull(service, "service is null");
        requireNonNull(database, "database is null");
        requireNonNull(host, "host is null");
        requireNonNull(serverVersion, "serverVersion is null");
        requireNonNull(pgDumpVersion, "pgDumpVersion is null");
        requireNonNull(format, "format is null");
        requireNonNull(compression, "compression is null");
        requireNonNull(startedAt, "startedAt is null");
        requireNonNull(finishedAt, "finishedAt is null");
        requireNonNull(encryption, "encryption is null");
        recipients = List.copyOf(recipients);
        requireNonNull(tables, "tables is null");
        rowCounts = rowCounts.map(List::copyOf);
        requireNonNull(owner, "owner is null");
    }

    /** A manifest that records no database owner. */
    public Manifest(String archive, String sha256, long size, String service, String database, String host,
            String serverVersion, String pgDumpVersion, String format, String compression, Instant startedAt,
            Instant finishedAt, String encryption, List<String> recipients, TableSelection tables,
            Optional<List<TableRows>> rowCounts) {
        this(archive, sha256, size, service, database, host, serverVersion, pgDumpVersion, format, compression,
                startedAt, finishedAt, encryption, recipients, tables, rowCounts, Optional.empty());
    }

    /** A manifest of a whole database whose rows were not counted. */
    public Manifest(String archive, String sha256, long size, String service, String database, String host,
            String serverVersion, String pgDumpVersion, String format, String compression, Instant startedAt,
            Instant finishedAt, String encryption, List<String> recipients) {
        this(archive, sha256, size, service, database, host, serverVersion, pgDumpVersion, format, compression,
                startedAt, finishedAt, encryption, recipients, TableSelection.all(), Optional.empty());
    }

    /** A manifest of an archive in plaintext. */
    public Manifest(String archive, String sha256, long size, String service, String database, String host,
            String serverVersion, String pgDumpVersion, String format, String compression, Instant startedAt,
            Instant finishedAt) {
        this(archive, sha256, size, service, database, host, serverVersion, pgDumpVersion, format, compression,
                startedAt, finishedAt, "none", List.of());
    }

    /** Whether the archive holds less than the whole database. */
    public boolean partial() {
        return tables.partial();
    }

    /** Whether the archive's bytes are encrypted. */
    public boolean encrypted() {
        return !"none".equals(encryption);
    }

    /** The manifest as pretty-printed JSON, UTF-8. */
    public byte[] toJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator json = JSON.createGenerator(out).useDefaultPrettyPrinter()) {
            json.writeStartObject();
            json.writeNumberField("manifestVersion", VERSION);
            json.writeStringField("archive", archive);
            json.writeStringField("sha256", sha256);
            json.writeNumberField("size", size);
            json.writeStringField("service", service);
            json.writeStringField("database", database);
            if (owner.isPresent()) {
                json.writeStringField("owner", owner.get());
            }
            json.writeStringField("host", host);
            json.writeStringField("serverVersion", serverVersion);
            json.writeStringField("pgDumpVersion", pgDumpVersion);
            json.writeStringField("format", format);
            json.writeStringField("compression", compression);
            json.writeStringField("startedAt", startedAt.toString());
            json.writeStringField("finishedAt", finishedAt.toString());
            json.writeStringField("encryption", encryption);
            json.writeArrayFieldStart("recipients");
            for (String recipient : recipients) {
                json.writeString(recipient);
            }
            json.writeEndArray();
            if (tables.partial()) {
                json.writeObjectFieldStart("tables");
                writeList(json, "schemas", tables.schemas());
                writeList(json, "excludeTables", tables.excludeTables());
                writeList(json, "excludeTableData", tables.excludeTableData());
                json.writeEndObject();
            }
            if (rowCounts.isPresent()) {
                json.writeArrayFieldStart("rowCounts");
                for (TableRows table : rowCounts.get()) {
                    json.writeStartObject();
                    json.writeStringField("schema", table.schema());
                    json.writeStringField("table", table.table());
                    json.writeNumberField("rows", table.rows());
                    json.writeEndObject();
                }
                json.writeEndArray();
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    private static void writeList(JsonGenerator json, String name, List<String> values) throws IOException {
        json.writeArrayFieldStart(name);
        for (String value : values) {
            json.writeString(value);
        }
        json.writeEndArray();
    }

    private static List<String> readList(JsonParser json) throws IOException {
        List<String> values = new ArrayList<>();
        while (json.nextToken() == JsonToken.VALUE_STRING) {
            values.add(json.getText());
        }
        return values;
    }

    /**
     * Reads a manifest.
     *
     * @return empty if the bytes are not a complete manifest of this layout
     */
    public static Optional<Manifest> parse(byte[] bytes) {
        Map<String, String> fields = new HashMap<>();
        List<String> recipients = new ArrayList<>();
        Map<String, List<String>> selection = new HashMap<>();
        List<TableRows> counts = new ArrayList<>();
        boolean counted = false;
        try (JsonParser json = JSON.createParser(bytes)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            JsonToken token;
            while ((token = json.nextToken()) == JsonToken.FIELD_NAME) {
                String name = json.currentName();
                JsonToken value = json.nextToken();
                if (value == JsonToken.START_ARRAY && name.equals("recipients")) {
                    recipients.addAll(readList(json));
                } else if (value == JsonToken.START_OBJECT && name.equals("tables")) {
                    while (json.nextToken() == JsonToken.FIELD_NAME) {
                        String list = json.currentName();
                        json.nextToken();
                        selection.put(list, readList(json));
                    }
                } else if (value == JsonToken.START_ARRAY && name.equals("rowCounts")) {
                    counted = true;
                    while (json.nextToken() == JsonToken.START_OBJECT) {
                        Map<String, String> row = new HashMap<>();
                        while (json.nextToken() == JsonToken.FIELD_NAME) {
                            String field = json.currentName();
                            json.nextToken();
                            row.put(field, json.getValueAsString());
                        }
                        counts.add(new TableRows(row.get("schema"), row.get("table"), Long.parseLong(row.get("rows"))));
                    }
                } else if (value.isStructStart()) {
                    json.skipChildren();
                } else {
                    fields.put(name, json.getValueAsString());
                }
            }
            if (token != JsonToken.END_OBJECT) {
                return Optional.empty();
            }
            return Optional.of(new Manifest(fields.get("archive"), fields.get("sha256"),
                    Long.parseLong(fields.get("size")), fields.get("service"), fields.get("database"),
                    fields.get("host"), fields.get("serverVersion"), fields.get("pgDumpVersion"), fields.get("format"),
                    fields.get("compression"), Instant.parse(fields.get("startedAt")),
                    Instant.parse(fields.get("finishedAt")), fields.getOrDefault("encryption", "none"),
                    recipients, new TableSelection(selection.getOrDefault("excludeTables", List.of()),
                            selection.getOrDefault("excludeTableData", List.of()),
                            selection.getOrDefault("schemas", List.of())),
                    counted ? Optional.of(counts) : Optional.empty(), Optional.ofNullable(fields.get("owner"))));
        } catch (IOException | RuntimeException e) {
            // Truncated, not JSON, a field missing or malformed: not a usable manifest.
            return Optional.empty();
        }
    }
}
