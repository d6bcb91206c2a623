// Runs one scenario against a submission: creates the run's topics, starts live read_committed
// readers on the output topics, starts the submission, plays the steps, waits until the output is
// complete, reads the input back, judges what it saw and cleans up. Completion and settling are
// decided from data (committed offsets, end offsets, output arrivals), never from fixed sleeps.
import { connectKafka } from '../kafka/client.ts';
import type { KafkaClient, KafkaRecord, Tail } from '../kafka/client.ts';
import type { InputRecord, LabDefinition, ObservedRecord, Observation, ProducedRecord, ScenarioDefinition, Step } from './lab-definition.ts';
import { CONTROL_KEY } from './lab-definition.ts';
import type { CheckResult, ScenarioResult } from './report-schema.ts';
import { assignSteps, chunkRecords, producesInput, recordsOfStep, runNames, ScenarioDefinitionError, submissionEnv } from './scenario-plan.ts';
import type { RunNames } from './scenario-plan.ts';
import type { SubmissionCommand } from './submission.ts';
import { Supervisor } from './supervisor.ts';

export interface RunnerTiming {
  /** Hard cap for a scenario without its own `timeoutMs`. */
  scenarioTimeoutMs: number;
  /** No committed offset and no output this long after a start: NEVER_CONSUMED. */
  neverConsumedMs: number;
  /** Offsets committed before, input left unconsumed, and neither output nor commits for this
   *  long: the submission hung (TIMED_OUT). */
  hungMs: number;
  /** Output quiet for this long after the expected counts arrived (or the input was consumed,
   *  for a settle step): done. */
  quietMs: number;
  /** Output quiet for this long with the input consumed: done even though counts differ. */
  longQuietMs: number;
  /** A settle step gives up waiting after this long and the scenario goes on. */
  settleCapMs: number;
  /** SIGTERM → SIGKILL grace when stopping the submission. */
  stopGraceMs: number;
  /** FLOOD when one output topic holds more than floodFactor × input records + floodSlack. */
  floodFactor: number;
  floodSlack: number;
  pollMs: number;
}

const defaultTiming: RunnerTiming = {
  scenarioTimeoutMs: 60_000,
  neverConsumedMs: 20_000,
  hungMs: 10_000,
  quietMs: 300,
  longQuietMs: 3000,
  settleCapMs: 15_000,
  stopGraceMs: 5000,
  floodFactor: 10,
  floodSlack: 1000,
  pollMs: 50,
};

export interface ScenarioRunContext {
  lab: LabDefinition;
  brokers: string[];
  runId: string;
  submissionDir: string;
  command: SubmissionCommand;
  /** Restarts the broker for `restartBroker` steps; absent when the broker is not ours to restart. */
  restartBroker?: () => Promise<void>;
  /** The one-line command that replays a scenario. */
  replay(scenario: string): string;
  onStep?: (message: string) => void;
  signal?: AbortSignal;
  timing?: Partial<RunnerTiming>;
}

type RuntimeFinding = 'CRASHED' | 'EXITED_EARLY' | 'TIMED_OUT' | 'NEVER_CONSUMED' | 'FLOOD';

interface RuntimeFailure {
  finding: RuntimeFinding;
  message: string;
}

interface InputLag {
  /** Records not yet covered by committed offsets, over every input partition. */
  total: number;
  /** The group has committed an offset for some input partition. */
  committedAny: boolean;
  /** Changes whenever a committed offset moves. */
  signature: string;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Produces records in order, in requests the broker accepts; how the runner writes all input. */
export async function produceInChunks(client: KafkaClient, topic: string, records: ProducedRecord[], signal?: AbortSignal, onAcked?: (count: number) => void): Promise<void> {
  for (const chunk of chunkRecords(records)) {
    signal?.throwIfAborted();
    await client.produce(topic, chunk);
    onAcked?.(chunk.length);
  }
}

/** One scenario in three phases, so a grade can overlap them across scenarios: `prepare` (topics,
 *  output readers, the submission starting up), `run` (steps, completion, judge) and `cleanUp`
 *  (stop the submission, delete topics and group). */
export class ScenarioRun {
  private readonly ctx: ScenarioRunContext;
  readonly scenario: ScenarioDefinition;
  private readonly seed: number;
  private readonly timing: RunnerTiming;
  private readonly names: RunNames;
  private readonly inputTopics: Record<string, number>;
  private readonly outputTopics: string[];
  private readonly tails = new Map<string, Tail>();
  private readonly observed: Record<string, ObservedRecord[]> = {};
  private readonly instances: Supervisor[] = [];
  private startedAt = Date.now();
  // One client per scenario: kafkajs keeps asking for metadata of every topic a client ever
  // produced to, and fails once those topics are deleted at the end of the scenario.
  private readonly client: KafkaClient;
  private deadline = Infinity;
  private producedThroughStep = -1;
  private inputRecordsProduced = 0;
  private failure: RuntimeFailure | undefined;
  private lastOutputAt = Date.now();
  private lastProgressAt = Date.now();
  private lastStartAt = Date.now();
  private lag: InputLag = { total: 0, committedAny: false, signature: '' };
  private steps: Step[] = [];
  /** Steps whose input is on the topic (all of them unless a failure ended the run early). */
  private played = 0;
  private inputs: Promise<Record<string, InputRecord[]>> | undefined;
  private preparing: Promise<void> | undefined;
  private prepareError: unknown;
  private cleaning: Promise<void> | undefined;

  constructor(ctx: ScenarioRunContext, scenario: ScenarioDefinition, seed: number) {
    this.ctx = ctx;
    this.scenario = scenario;
    this.seed = seed;
    this.timing = { ...defaultTiming, ...ctx.timing };
    this.names = runNames(ctx.runId, scenario.name, Object.keys(ctx.lab.topics));
    this.client = connectKafka(ctx.brokers, { clientId: 'streamlab-grader' });
    const topics = Object.entries(ctx.lab.topics);
    this.inputTopics = Object.fromEntries(topics.filter(([, t]) => t.role === 'input').map(([name, t]) => [name, t.partitions]));
    this.outputTopics = topics.filter(([, t]) => t.role === 'output').map(([name]) => name);
  }

  private topic(logical: string): string {
    const name = this.names.topics[logical];
    if (name === undefined) throw new ScenarioDefinitionError(`unknown topic '${logical}'`);
    return name;
  }

  private step(message: string): void {
    this.ctx.onStep?.(message);
  }

  /** Creates the topics, starts the output readers and the submission. A failure here is
   *  reported by `run` as an error verdict. */
  prepare(): Promise<void> {
    this.preparing ??= (async () => {
      try {
        this.steps = this.scenario.steps(this.seed);
        const { lab } = this.ctx;
        await this.client.createTopics(Object.entries(lab.topics).map(([logical, t]) => ({ topic: this.topic(logical), partitions: t.partitions })));
        await this.startTails();
        this.startInstance();
      } catch (err) {
        this.prepareError = new Error(`setting up the scenario failed: ${(err as Error).message}`, { cause: err });
      }
    })();
    return this.preparing;
  }

  /** Plays the scenario and judges it; `onLastStep` fires once every step has been played, when
   *  what remains is waiting for the submission. Leaves cleaning up to `cleanUp`. Throws only
   *  when the signal aborts the run. */
  async run(onLastStep?: () => void): Promise<ScenarioResult> {
    const { lab } = this.ctx;
    let checks: CheckResult[] = [];
    let error: string | null = null;
    let inputEvents = 0;
    try {
      await this.prepare();
      if (this.prepareError !== undefined) throw this.prepareError;
      this.startedAt = Date.now();
      // A submission prepared early has been idle on an empty topic until now.
      this.lastStartAt = this.lastProgressAt = this.lastOutputAt = this.startedAt;
      this.deadline = this.startedAt + (this.scenario.timeoutMs ?? this.timing.scenarioTimeoutMs);
      this.step(`running ${this.ctx.command.display}`);
      await this.playSteps();
      onLastStep?.();
      if (!this.failure) await this.awaitCompletion();
      const observation = await this.observation();
      inputEvents = Object.values(observation.inputs).flat().filter((r) => r.key !== CONTROL_KEY).length;
      checks = [this.runtimeCheck(), ...lab.judge(observation)];
    } catch (err) {
      if (this.ctx.signal?.aborted) {
        await this.cleanUp();
        throw this.ctx.signal.reason ?? err;
      }
      error = err instanceof Error ? err.message : String(err);
    }
    const verdict = error !== null ? 'error' : checks.every((c) => c.passed) ? 'pass' : 'fail';
    return {
      name: this.scenario.name,
      description: this.scenario.description,
      verdict,
      seed: this.seed,
      durationMs: Date.now() - this.startedAt,
      inputEvents,
      outputRecords: Object.values(this.observed).reduce((n, records) => n + records.length, 0),
      checks,
      submission: this.instances[0]?.outcome() ?? null,
      error,
      replay: this.ctx.replay(this.scenario.name),
    };
  }

  // Output readers start before the submission, so output is seen as it is written;
  // `producedThroughStep` then says which steps had begun when each record appeared (what EARLY
  // checks need). The input is read back only at the end, so it never competes with producing.
  private async startTails(): Promise<void> {
    await Promise.all(
      this.outputTopics.map(async (name) => {
        const tail = await this.client.tail(this.topic(name));
        this.tails.set(name, tail);
        this.watchOutput(name, tail);
      }),
    );
  }

  private watchOutput(name: string, tail: Tail): void {
    const records: ObservedRecord[] = [];
    this.observed[name] = records;
    tail.onRecord((record) => {
      if (this.failure?.finding === 'FLOOD') return;
      records.push({ ...record, producedThroughStep: this.producedThroughStep });
      this.lastOutputAt = Date.now();
      this.lastProgressAt = this.lastOutputAt;
      const cap = this.timing.floodFactor * Math.max(1, this.inputRecordsProduced) + this.timing.floodSlack;
      if (records.length > cap) {
        this.failure = {
          finding: 'FLOOD',
          message: `the submission wrote more than ${cap} records to ${this.ctx.lab.topics[name]?.env} (${this.topic(name)}) for ${this.inputRecordsProduced} input records; stopped reading it`,
        };
        for (const instance of this.instances) instance.killGroupNow('SIGKILL');
        // Not awaited: the reader is inside its own message handler here.
        tail.stop().catch(() => undefined);
      }
    });
  }

  private startInstance(): void {
    const instance = this.instances.length + 1;
    const { command } = this.ctx;
    const env = submissionEnv({
      lab: this.ctx.lab,
      names: this.names,
      brokers: this.ctx.brokers,
      runId: this.ctx.runId,
      instance,
      pathPrepend: command.pathPrepend,
      base: process.env,
    });
    const supervisor = new Supervisor(
      { file: command.file, args: command.args, cwd: this.ctx.submissionDir, env, display: command.display },
      { graceMs: this.timing.stopGraceMs },
    );
    this.instances.push(supervisor);
    supervisor.start();
    this.lastStartAt = Date.now();
  }

  private async playSteps(): Promise<void> {
    for (const [index, step] of this.steps.entries()) {
      this.ctx.signal?.throwIfAborted();
      this.checkProcesses();
      if (this.failure) return;
      if (producesInput(step)) this.producedThroughStep = index;
      try {
        await this.play(step, index);
      } catch (err) {
        if (this.ctx.signal?.aborted) throw err;
        throw new Error(`step ${index} (${step.kind}) failed: ${(err as Error).message}`, { cause: err });
      }
      this.played = index + 1;
    }
  }

  private async play(step: Step, index: number): Promise<void> {
    const primary = this.instances[0];
    switch (step.kind) {
      case 'produce':
      case 'tick':
      case 'flush':
        await this.produce(step, index);
        return;
      case 'pause':
        this.step(`pausing ${seconds(step.ms)}`);
        await this.waitFor(async () => false, step.ms);
        return;
      case 'settle':
        this.step('waiting for the submission to catch up');
        await this.waitFor(() => this.settled(), this.timing.settleCapMs);
        return;
      case 'kill':
        this.step(`killing the submission (${step.signal})`);
        await primary?.stop(step.signal);
        return;
      case 'restart':
        this.step('restarting the submission');
        if (primary?.running) await primary.restart();
        else primary?.start();
        this.lastStartAt = Date.now();
        return;
      case 'restartBroker':
        if (!this.ctx.restartBroker) throw new Error('this scenario restarts the broker, which needs a broker started by streamlab (not KAFKA_BROKERS)');
        this.step('restarting the broker');
        await this.ctx.restartBroker();
        return;
      case 'startSecondInstance':
        this.step('starting a second instance');
        this.startInstance();
        return;
    }
  }

  private async produce(step: Step, index: number): Promise<void> {
    const byTopic = recordsOfStep(step, this.steps.slice(0, index), this.inputTopics);
    for (const [logical, records] of Object.entries(byTopic)) {
      if (step.kind === 'produce') this.step(`producing ${records.length.toLocaleString('en-US')} records to ${logical}`);
      else this.step(`${step.kind} on every partition of ${logical}`);
      await produceInChunks(this.client, this.topic(logical), records, this.ctx.signal, (n) => (this.inputRecordsProduced += n));
    }
    this.lastProgressAt = Date.now(); // new input restarts the clock for hang detection
  }

  /** Polls until `done` holds, `capMs` passes (returns false) or a runtime failure ends the
   *  scenario (returns false with `failure` set). */
  private async waitFor(done: () => Promise<boolean>, capMs: number): Promise<boolean> {
    const until = Math.min(Date.now() + capMs, this.deadline);
    for (;;) {
      this.ctx.signal?.throwIfAborted();
      await this.observe();
      if (this.failure) return false;
      if (await done()) return true;
      if (Date.now() >= this.deadline) {
        this.failure = { finding: 'TIMED_OUT', message: `the scenario did not finish within ${seconds(this.deadline - this.startedAt)}${this.lagNote()}` };
        return false;
      }
      if (Date.now() >= until) return false;
      await delay(this.timing.pollMs);
    }
  }

  private checkProcesses(): void {
    if (this.failure) return;
    for (const instance of this.instances) {
      const exit = instance.unexpectedExit;
      if (!exit) continue;
      const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
      const stderr = instance.outcome().stderrTail;
      const tail = stderr ? `; last stderr:\n${stderr}` : '';
      this.failure =
        exit.code === 0
          ? { finding: 'EXITED_EARLY', message: `the submission exited (code 0) before grading finished; it should keep consuming until stopped${tail}` }
          : { finding: 'CRASHED', message: `the submission ${how}${tail}` };
      return;
    }
  }

  private async observe(): Promise<void> {
    this.checkProcesses();
    if (this.failure) return;
    this.lag = await this.inputLag();
    // A submission the scenario stopped on purpose is neither late to start nor hung.
    if (!this.instances.some((i) => i.running)) return;
    const now = Date.now();
    if (!this.lag.committedAny && !this.hasOutput() && now - this.lastStartAt >= this.timing.neverConsumedMs) {
      this.failure = {
        finding: 'NEVER_CONSUMED',
        message: `in ${seconds(now - this.lastStartAt)} the submission neither committed an offset on the input nor wrote any output; is it subscribed to INPUT_TOPIC with GROUP_ID, reading from the beginning?`,
      };
    } else if (this.lag.committedAny && this.lag.total > 0 && now - Math.max(this.lastProgressAt, this.lastStartAt) >= this.timing.hungMs) {
      this.failure = {
        finding: 'TIMED_OUT',
        message: `the submission stopped making progress: no output and no offset commits for ${seconds(now - this.lastProgressAt)}${this.lagNote()}`,
      };
    }
  }

  private lagNote(): string {
    return this.lag.committedAny ? ` (${this.lag.total} input records not yet committed by group ${this.names.groupId})` : '';
  }

  private async inputLag(): Promise<InputLag> {
    const { client } = this;
    let total = 0;
    let committedAny = false;
    const parts: string[] = [];
    for (const logical of Object.keys(this.inputTopics)) {
      const topic = this.topic(logical);
      const [ends, committed] = await Promise.all([client.endOffsets(topic), client.groupOffsets(this.names.groupId, topic)]);
      for (const end of ends) {
        const offset = BigInt(committed.find((c) => c.partition === end.partition)?.offset ?? '-1');
        if (offset >= 0n) committedAny = true;
        const position = offset >= 0n ? offset : BigInt(end.low);
        total += Math.max(0, Number(BigInt(end.end) - position));
        parts.push(String(offset));
      }
    }
    const signature = parts.join(',');
    if (signature !== this.lag.signature) this.lastProgressAt = Date.now();
    return { total, committedAny, signature };
  }

  /** The submission consumed its input: committed up to the end, or (when it never commits)
   *  it has written output and gone quiet. */
  private consumed(quietFor: number): boolean {
    if (this.lag.committedAny) return this.lag.total === 0;
    return this.hasOutput() && quietFor >= this.timing.longQuietMs;
  }

  private hasOutput(): boolean {
    return Object.values(this.observed).some((records) => records.length > 0);
  }

  private async settled(): Promise<boolean> {
    const quietFor = Date.now() - this.lastOutputAt;
    return quietFor >= this.timing.quietMs && this.consumed(quietFor) && (await this.outputCaughtUp());
  }

  /** Every output reader has reached the end offsets and nothing new arrived meanwhile. */
  private async outputCaughtUp(): Promise<boolean> {
    const before = this.lastOutputAt;
    try {
      await Promise.all(this.outputTopics.map((name) => this.tails.get(name)?.caughtUp(5000)));
    } catch {
      return false;
    }
    return this.lastOutputAt === before;
  }

  private async awaitCompletion(): Promise<void> {
    this.step('waiting for the output');
    // The read-back runs while the submission works through the last of its input.
    let expected: Record<string, number> | undefined;
    const reading = this.readInputs().then((inputs) => {
      expected = this.ctx.lab.expectedCounts(inputs);
    });
    reading.catch(() => undefined); // rethrown by the await below
    const countsReached = () => expected !== undefined && this.outputTopics.every((name) => (this.observed[name]?.length ?? 0) >= (expected?.[name] ?? 0));
    await this.waitFor(async () => {
      const quietFor = Date.now() - this.lastOutputAt;
      const complete = countsReached() ? quietFor >= this.timing.quietMs : quietFor >= this.timing.longQuietMs && this.consumed(quietFor);
      return complete && (await this.outputCaughtUp());
    }, Infinity);
    await reading;
  }

  /** The input read back and joined to its steps; read once, after the last step. */
  private readInputs(): Promise<Record<string, InputRecord[]>> {
    this.inputs ??= (async () => {
      const readBack: Record<string, readonly KafkaRecord[]> = {};
      for (const logical of Object.keys(this.inputTopics)) {
        readBack[logical] = await this.client.readAll(this.topic(logical), { timeoutMs: 60_000 }).catch((err: Error) => {
          throw new Error(`reading back ${this.topic(logical)} failed: ${err.message}`, { cause: err });
        });
      }
      return assignSteps(this.steps.slice(0, this.played), this.inputTopics, readBack);
    })();
    return this.inputs;
  }

  private async observation(): Promise<Observation> {
    return {
      scenario: this.scenario.name,
      steps: this.steps,
      inputs: await this.readInputs(),
      outputs: Object.fromEntries(this.outputTopics.map((name) => [name, [...(this.observed[name] ?? [])]])),
      submission: this.instances[0]?.outcome() ?? { command: this.ctx.command.display, exitCode: null, signal: null, restarts: 0, stdoutTail: '', stderrTail: '' },
    };
  }

  private runtimeCheck(): CheckResult {
    const failure = this.failure;
    const restarts = this.instances.reduce((n, i) => n + i.restarts, 0);
    return {
      name: 'submission ran',
      passed: failure === undefined,
      message: failure?.message ?? `ran until the grader stopped it${restarts > 0 ? ` (${restarts} restart${restarts === 1 ? '' : 's'})` : ''}`,
      finding: failure?.finding ?? null,
      diff: [],
    };
  }

  /** Stops the submission and the readers, deletes the topics and the group. Safe to call
   *  more than once and before `prepare`. */
  cleanUp(): Promise<void> {
    this.cleaning ??= (async () => {
      const { client } = this;
      await this.preparing;
      await Promise.allSettled(this.instances.map((i) => i.stop('SIGTERM')));
      await Promise.allSettled([...this.tails.values()].map((t) => t.stop()));
      this.tails.clear();
      if (this.preparing) {
        await client.deleteTopics(Object.values(this.names.topics)).catch(() => undefined);
        // A SIGKILLed member stays in the group until its session times out; the broker drops
        // the group's offsets with the topics anyway, so a refused delete is harmless.
        await client.deleteGroups([this.names.groupId]).catch(() => undefined);
      }
      await client.close();
    })();
    return this.cleaning;
  }
}
