// A learner's workspace for a lab: .streamlab/workspaces/<lab>/, copied from labs/<lab>/starter/ on
// first use and never overwritten, plus a stable set of topics on the broker for trying things by
// hand (the grader uses its own per-run topics). Topic names carry a workspace id kept beside the
// folder, so they stay the same across reloads and restarts, differ between state folders sharing a
// broker, and start empty again after a reset.
import { randomBytes } from 'node:crypto';
import { cp, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { labsDir, stateDir } from '../../graders/paths.ts';
import { labSlugs, loadLab } from '../../graders/harness/labs.ts';
import type { KafkaClient } from '../../graders/kafka/client.ts';
import type { WorkspaceInfo } from '../shared/protocol.ts';

const workspacesDir = path.join(stateDir, 'workspaces');
const backupsDir = path.join(stateDir, 'workspace-backups');

/** A request named a lab that does not exist. */
export class UnknownLabError extends Error {
  override name = 'UnknownLabError';
}

interface WorkspaceRecord {
  id: string;
  createdAt: string;
}

const exists = async (file: string) => (await stat(file).catch(() => null)) !== null;
const recordFile = (lab: string) => path.join(workspacesDir, `${lab}.json`);

export class Workspaces {
  private readonly kafka: KafkaClient;
  private readonly ready = new Map<string, Promise<WorkspaceInfo>>();

  constructor(kafka: KafkaClient) {
    this.kafka = kafka;
  }

  /** Throws UnknownLabError unless `lab` is a lab folder name (this also keeps paths inside labs/). */
  async checkLab(lab: string): Promise<void> {
    const known = await labSlugs();
    if (!known.includes(lab)) throw new UnknownLabError(`unknown lab '${lab}'; labs: ${known.join(', ') || 'none'}`);
  }

  /** The workspace of `lab`, created (folder and topics) on first use, and again if its folder was
   *  deleted by hand since. */
  async ensure(lab: string): Promise<WorkspaceInfo> {
    const cached = this.ready.get(lab);
    if (cached) {
      const info = await cached;
      if (await exists(info.dir)) return info;
      if (this.ready.get(lab) === cached) this.ready.delete(lab);
    }
    let pending = this.ready.get(lab);
    if (!pending) {
      pending = this.prepare(lab);
      this.ready.set(lab, pending);
      pending.catch(() => this.ready.delete(lab));
    }
    return pending;
  }

  /** Moves the workspace to a timestamped backup, copies the starter afresh and gives it new, empty
   *  topics (the old ones are deleted). Returns the backup folder, or null if there was nothing. */
  async reset(lab: string): Promise<string | null> {
    await this.checkLab(lab);
    const previous = await this.ensure(lab).catch(() => null);
    this.ready.delete(lab);
    const dir = path.join(workspacesDir, lab);
    let backup: string | null = null;
    if (await exists(dir)) {
      backup = path.join(backupsDir, `${lab}-${new Date().toISOString().replaceAll(':', '-')}`);
      await mkdir(backupsDir, { recursive: true });
      await rename(dir, backup);
    }
    await writeFile(recordFile(lab), JSON.stringify(newRecord()));
    if (previous) {
      await this.kafka.deleteTopics(previous.topics).catch(() => undefined);
    }
    await this.ensure(lab);
    return backup;
  }

  private async prepare(lab: string): Promise<WorkspaceInfo> {
    await this.checkLab(lab);
    const dir = path.join(workspacesDir, lab);
    if (!(await exists(dir))) {
      const starter = path.join(labsDir, lab, 'starter');
      if (!(await exists(starter))) throw new Error(`${starter} is missing: the lab has no starter to copy`);
      await mkdir(workspacesDir, { recursive: true });
      await cp(starter, dir, { recursive: true, errorOnExist: false, force: false, filter: (source) => path.basename(source) !== 'node_modules' });
    }
    const record = await readOrCreateRecord(lab);
    const definition = await loadLab(lab);
    const prefix = `ws.${lab}.${record.id}`;
    const env: Record<string, string> = { GROUP_ID: `${prefix}.group` };
    if (definition.transactional) env.TRANSACTIONAL_ID = `${prefix}.tx`;
    const topics = Object.entries(definition.topics).map(([name, topic]) => {
      env[topic.env] = `${prefix}.${name}`;
      return { topic: `${prefix}.${name}`, partitions: topic.partitions };
    });
    await this.kafka.createTopics(topics);
    return { dir, brokers: this.kafka.brokers, topics: topics.map((t) => t.topic), env };
  }
}

function newRecord(): WorkspaceRecord {
  return { id: randomBytes(3).toString('hex'), createdAt: new Date().toISOString() };
}

async function readOrCreateRecord(lab: string): Promise<WorkspaceRecord> {
  try {
    const record = JSON.parse(await readFile(recordFile(lab), 'utf8')) as Partial<WorkspaceRecord>;
    if (typeof record.id === 'string' && /^[0-9a-f]{6}$/.test(record.id)) return record as WorkspaceRecord;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && !(err instanceof SyntaxError)) throw err;
  }
  const record = newRecord();
  await mkdir(workspacesDir, { recursive: true });
  await writeFile(recordFile(lab), JSON.stringify(record));
  return record;
}
