// Class data sharing for the broker JVM: an archive of the classes Kafka loads while starting,
// mapped into memory instead of parsed and verified again, makes the broker ready sooner
// (npm run bench:broker measures both ways). Java 17 has no automatic archive, so the first
// broker that runs without one writes a draft when it exits; a clean stop makes the draft the
// archive of this Kafka release and Java runtime, shared by every later start.
// STREAMLAB_BROKER_CLASS_ARCHIVE=off starts without it.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { JavaRuntime } from './java.ts';
import type { KafkaJars } from './kafka-jars.ts';

interface ClassSharing {
  /** JVM flags that use the archive, or write a draft of it at exit. */
  flags: string[];
  /** The draft the broker writes when it exits (only while there is no archive yet). */
  draft?: string;
}

const DRAFT_SUFFIX = /\.[0-9a-f]+\.draft$/;

/** An archive fits only the Java runtime that wrote it, so the runtime version is in its name. */
export function classSharing(jars: KafkaJars, java: JavaRuntime): ClassSharing {
  if (process.env.STREAMLAB_BROKER_CLASS_ARCHIVE === 'off') return { flags: [] };
  const archive = path.join(jars.cacheDir, `broker-classes-${java.version.replaceAll(/[^\w.+-]/g, '_')}.jsa`);
  if (fs.existsSync(archive)) return { flags: [`-XX:SharedArchiveFile=${archive}`] };
  const draft = `${archive}.${crypto.randomBytes(4).toString('hex')}.draft`;
  return { flags: [`-XX:ArchiveClassesAtExit=${draft}`], draft };
}

/** After the broker that writes `draft` has exited: a clean exit wrote it whole, so it becomes
 *  the archive (unless another broker's got there first); anything else may have cut it short. */
export async function settleDraft(draft: string | undefined, exitedCleanly: boolean): Promise<void> {
  if (draft === undefined) return;
  const archive = draft.replace(DRAFT_SUFFIX, '');
  if (exitedCleanly && fs.existsSync(draft) && !fs.existsSync(archive)) await fs.promises.rename(draft, archive);
  else await fs.promises.rm(draft, { force: true });
}
