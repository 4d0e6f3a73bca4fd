/**
 * The controller as a library. The exported packages are the API an embedder imports: the
 * client and its options, results and listeners ({@code org.pgbackup.controller}), the
 * configuration, the errors and the value types of the other packages. The operations and
 * their helpers live in {@code org.pgbackup.internal}, which this module does not export, and
 * so do the libraries it carries relocated (cron-utils and the SLF4J API it logs to, silenced).
 *
 * <p>This file is compiled after the jar is shaded and added to it (see the module's pom):
 * the relocated libraries are then part of this module, which could not require them by name.
 */
module org.pgbackup.core {
    exports org.pgbackup;
    exports org.pgbackup.compression;
    exports org.pgbackup.config;
    exports org.pgbackup.controller;
    exports org.pgbackup.encryption;
    exports org.pgbackup.error;
    exports org.pgbackup.hooks;
    exports org.pgbackup.manifest;
    exports org.pgbackup.naming;
    exports org.pgbackup.notify;
    exports org.pgbackup.pitr;
    exports org.pgbackup.retention;
    exports org.pgbackup.schedule;

    // Storage providers implement the SPI; its types are part of this API too.
    requires transitive org.pgbackup.spi;
    requires java.net.http;
    requires java.sql;
    requires com.exceptionfactory.jagged;
    requires com.exceptionfactory.jagged.framework;
    requires com.exceptionfactory.jagged.x25519;
    requires com.fasterxml.jackson.core;
    // commons-compress reads zstd through zstd-jni, which it requires only statically.
    requires com.github.luben.zstd_jni;
    requires org.apache.commons.compress;
    requires org.apache.commons.io;
    requires org.postgresql.jdbc;
    requires org.tinylog.api;

    uses org.pgbackup.spi.StorageProvider;
    uses org.pgbackup.spi.channel.ChannelProvider;
    provides org.pgbackup.spi.channel.ChannelProvider with org.pgbackup.internal.channel.SlackChannels,
            org.pgbackup.internal.channel.DiscordChannels, org.pgbackup.internal.channel.TelegramChannels,
            org.pgbackup.internal.channel.TeamsChannels, org.pgbackup.internal.channel.NtfyChannels,
            org.pgbackup.internal.channel.WebhookChannels;
    uses org.pgbackup.internal.shaded.slf4j.spi.SLF4JServiceProvider;
    provides org.pgbackup.internal.shaded.slf4j.spi.SLF4JServiceProvider
            with org.pgbackup.internal.shaded.slf4j.nop.NOPServiceProvider;
}
