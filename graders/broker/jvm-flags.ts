// JVM flags for the local broker and the Kafka CLI tools. The defaults of Kafka's scripts
// (1 GiB heap, G1) suit a production server, not a lab laptop or a 2-core CI box that also runs
// the learner's pipeline and the grader.

// A lab broker holds little data; a small heap keeps its resident size a few hundred MB.
export const BROKER_HEAP_FLAGS: readonly string[] = ['-Xms128m', '-Xmx512m'];

export const BROKER_RUNTIME_FLAGS: readonly string[] = [
  // One GC thread: nothing competes with the pipeline and grader for the cores.
  '-XX:+UseSerialGC',
  // C1 only: the broker is ready sooner (measured by npm run bench:broker).
  '-XX:TieredStopAtLevel=1',
  // Fail fast and visibly instead of limping on after an OutOfMemoryError.
  '-XX:+ExitOnOutOfMemoryError',
  '-Djava.awt.headless=true',
];

export const BROKER_JVM_FLAGS: readonly string[] = [...BROKER_HEAP_FLAGS, ...BROKER_RUNTIME_FLAGS];

/** Short-lived admin tools (kafka-topics, console producer/consumer, storage format): start fast. */
export const TOOL_JVM_FLAGS: readonly string[] = ['-Xms32m', '-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Djava.awt.headless=true'];

/** The perf-test tools report throughput, so they keep the full JIT that real clients run with;
 *  the heap is what kafka-run-class.sh gives tools. */
export const PERF_TOOL_JVM_FLAGS: readonly string[] = ['-Xmx256m', '-Djava.awt.headless=true'];
