/**
 * The source SPI: how adapter modules (pool-tcp, pool-redis, pool-kafka) plug a source into a
 * pool. Not for consumers: a consumer needs only {@code io.procpool}. A module registers a
 * {@link io.procpool.spi.SourceProvider} with {@link java.util.ServiceLoader}, and a pool whose
 * {@code source.type} names it uses it. Core never names an adapter.
 */
package io.procpool.spi;
