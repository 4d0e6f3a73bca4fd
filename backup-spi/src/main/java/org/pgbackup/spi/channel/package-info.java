/**
 * The notification channel SPI: where the controller tells people about its runs (e-mail,
 * chat, push, a webhook). A {@link org.pgbackup.spi.channel.ChannelProvider} claims URL
 * schemes of {@code NOTIFY_URLS} ({@code slack://…}, {@code smtp://…}) and opens a
 * {@link org.pgbackup.spi.channel.Channel} for each URL; the controller hands every channel
 * the same {@link org.pgbackup.spi.channel.Notice}, already worded, so a channel only
 * delivers it. Providers are found through {@link java.util.ServiceLoader}, on the class
 * path or in a plugin of {@code CONTROLLER_PLUGINS}, exactly as storage providers are.
 */
package org.pgbackup.spi.channel;
