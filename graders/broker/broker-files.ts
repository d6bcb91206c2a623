// Where a broker's files live under the state dir, and the record (broker.json) of the broker that
// was started there: which provider, which address, which process or container.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { stateDir as defaultStateDir } from '../paths.ts';

export interface BrokerFiles {
  stateDir: string;
  /** <state>/broker: everything below belongs to the broker. */
  dir: string;
  data: string;
  serverProperties: string;
  log4jConfig: string;
  log: string;
  record: string;
  lock: string;
  /** <state>/bin: the Kafka CLI wrappers and `streamlab`. */
  binDir: string;
}

export function brokerFiles(stateDir: string = defaultStateDir): BrokerFiles {
  const dir = path.join(stateDir, 'broker');
  return {
    stateDir,
    dir,
    data: path.join(dir, 'data'),
    serverProperties: path.join(dir, 'server.properties'),
    log4jConfig: path.join(dir, 'log4j2.yaml'),
    log: path.join(dir, 'broker.log'),
    record: path.join(dir, 'broker.json'),
    lock: path.join(dir, 'broker.lock'),
    binDir: path.join(stateDir, 'bin'),
  };
}

const brokerList = z.array(z.string()).min(1);
const ports = z.object({ broker: z.number().int(), controller: z.number().int() });

// Only brokers streamlab runs are recorded; an external cluster is named by KAFKA_BROKERS alone.
const recordSchema = z.discriminatedUnion('provider', [
  z.object({ provider: z.literal('local'), brokers: brokerList, ports, clusterId: z.string(), pid: z.number().int(), classArchiveDraft: z.string().optional() }),
  z.object({ provider: z.literal('docker'), brokers: brokerList, ports, clusterId: z.string(), containerId: z.string() }),
]);

export type BrokerRecord = z.infer<typeof recordSchema>;
export type RecordOf<P extends BrokerRecord['provider']> = Extract<BrokerRecord, { provider: P }>;

/** The last broker started in this state dir, or undefined when there is none (or the file is not
 *  one we wrote: it is then rewritten by the next start). Synchronous so that tool commands can be
 *  built without awaiting. */
export function readRecord(files: BrokerFiles): BrokerRecord | undefined {
  let text: string;
  try {
    text = fs.readFileSync(files.record, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = recordSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The record when `provider` wrote it. */
export function readRecordOf<P extends BrokerRecord['provider']>(files: BrokerFiles, provider: P): RecordOf<P> | undefined {
  const record = readRecord(files);
  return record?.provider === provider ? (record as RecordOf<P>) : undefined;
}

/** Writes the record atomically, so a reader never sees half a file. */
export async function writeRecord(files: BrokerFiles, record: BrokerRecord): Promise<void> {
  await fs.promises.mkdir(files.dir, { recursive: true });
  const temporary = `${files.record}.${process.pid}.tmp`;
  await fs.promises.writeFile(temporary, `${JSON.stringify(record, null, 2)}\n`);
  await fs.promises.rename(temporary, files.record);
}
