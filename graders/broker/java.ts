// Finding a Java runtime for the local broker and the Kafka CLI tools: JAVA_HOME first, as the
// Kafka scripts do, else `java` on PATH.
import path from 'node:path';
import { execa } from 'execa';
import { unavailable, type Unavailable } from './availability.ts';
import { KAFKA_VERSION } from './kafka-version.ts';

/** Kafka 4.x brokers and tools need Java 17. */
const MINIMUM_JAVA = 17;

export interface JavaRuntime {
  /** Absolute path of the java executable. */
  command: string;
  major: number;
  /** The full runtime version, e.g. 17.0.15+6-Debian-1deb12u1. */
  version: string;
}

const installHint = `install a JDK or JRE ${MINIMUM_JAVA}+ (e.g. \`apt-get install openjdk-17-jre-headless\`, \`brew install openjdk@17\`) and put it on PATH or in JAVA_HOME`;

/** The java command to try, unchecked: JAVA_HOME's, else `java` on PATH. */
export const javaCommand = (env: NodeJS.ProcessEnv = process.env) => (env.JAVA_HOME ? path.join(env.JAVA_HOME, 'bin', 'java') : 'java');

/** The Java runtime to use, or why there is none that fits. */
export async function findJava(env: NodeJS.ProcessEnv = process.env): Promise<JavaRuntime | Unavailable> {
  const candidate = javaCommand(env);
  const where = env.JAVA_HOME ? `JAVA_HOME (${candidate})` : '`java` on PATH';
  // -XshowSettings prints the runtime's own home and spec version: one call gives an absolute
  // path (the tool wrappers must not depend on the caller's PATH) and a version to check.
  const result = await execa(candidate, ['-XshowSettings:properties', '-version'], { env, reject: false, timeout: 30_000 });
  if (result.failed && result.exitCode === undefined) {
    return unavailable(`no Java runtime: ${where} was not found`, installHint);
  }
  const spec = /java\.specification\.version = (\S+)/.exec(result.stderr)?.[1];
  const home = /java\.home = (.+)/.exec(result.stderr)?.[1]?.trim();
  const version = /java\.runtime\.version = (\S+)/.exec(result.stderr)?.[1] ?? spec;
  if (!spec || !home || !version) {
    return unavailable(`${where} did not report its version (exit ${result.exitCode}): ${result.stderr.split('\n')[0] ?? ''}`, installHint);
  }
  // Java 8 and older report "1.8".
  const major = Number(spec.startsWith('1.') ? spec.slice(2) : spec);
  if (major < MINIMUM_JAVA) {
    return unavailable(`${where} is Java ${spec}; Apache Kafka ${KAFKA_VERSION} needs Java ${MINIMUM_JAVA} or newer`, installHint);
  }
  return { command: path.join(home, 'bin', 'java'), major, version };
}
