package org.pgbackup.config;

/**
 * Where a configuration came from, so that its messages speak the user's language: the
 * environment variables of the command line and the container ({@code SHOP_POSTGRES_PORT},
 * {@code run 'list shop'}), or the builder of an embedder ({@code service("shop", s ->
 * s.port(...))}, {@code list("shop")}).
 *
 * <p>Immutable, and so safe to share between threads.
 */
public enum ConfigurationSource {
    /** {@link Configuration#from(java.util.Map)}: the environment, as the command line reads it. */
    ENVIRONMENT,
    /** {@link ConfigurationBuilder} in code. */
    BUILDER;

    /** The form of the two that this source's users wrote. */
    public String either(String environment, String builder) {
        return this == ENVIRONMENT ? environment : builder;
    }

    /**
     * A service's setting as its user sets it: {@code SHOP_POSTGRES_PORT}, or
     * {@code service("shop", s -> s.port(...))}.
     */
    public String serviceSetting(String service, String variable, String method) {
        return either(EnvironmentVariables.envPrefix(service) + variable,
                "service(\"" + service + "\", s -> s." + method + "(...))");
    }

    /** How to run an operation: {@code run 'list shop'}, or {@code call list("shop")}. */
    public String operation(String command, String service) {
        return either("run '" + command + " " + service + "'", "call " + command + "(\"" + service + "\")");
    }
}
