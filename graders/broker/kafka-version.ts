// The one Apache Kafka pin. The local provider passes it to Maven (-Dkafka.version), the docker
// provider runs the matching image, and docker/compose*.yml name the same tag (a test keeps them in step).
//
// Why 4.3.1: the newest 4.x whose full set of artifacts is on Maven Central (4.4.0's kafka-tools and
// kafka-tools-api jars are missing), and kafkajs 2.2.4 passes idempotent produce, transactions with
// sendOffsets, abort and read_committed against it (graders/kafka/client.test.ts).
export const KAFKA_VERSION = '4.3.1';

/** The official image of the same release, for the docker provider. */
export const KAFKA_IMAGE = `apache/kafka:${KAFKA_VERSION}`;
